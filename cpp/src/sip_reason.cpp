#include "logcodes/sip_reason.hpp"

#include "formats/sip_text.hpp"

namespace logcodes {

using namespace sip_text;

int reason_cause(std::string_view header, std::string_view protocol) noexcept {
    // Several Reason headers may be joined with ", ": look at each protocol token in turn.
    std::size_t p = 0;
    while (p < header.size()) {
        while (p < header.size() && (header[p] == ' ' || header[p] == ',')) ++p;
        std::size_t semi = header.find(';', p);
        const std::string_view proto = trim(header.substr(p, semi == std::string_view::npos ? std::string_view::npos : semi - p));
        std::size_t next = header.find(',', p);
        // a quoted text may hold commas
        const std::size_t quote = header.find('"', p);
        if (quote != std::string_view::npos && quote < next) {
            const std::size_t close = header.find('"', quote + 1);
            next = close == std::string_view::npos ? std::string_view::npos : header.find(',', close);
        }
        const std::string_view one = header.substr(p, next == std::string_view::npos ? std::string_view::npos : next - p);
        if (iequals(proto, protocol)) {
            const std::string_view c = param(one, "cause", ";cause=");
            int v = 0;
            for (char ch : c) {
                if (!is_digit(ch)) break;
                v = v * 10 + (ch - '0');
                if (v > 9999) break;
            }
            if (!c.empty()) return v;
        }
        if (next == std::string_view::npos) break;
        p = next + 1;
    }
    return 0;
}


}  // namespace logcodes
