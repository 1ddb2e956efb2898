#include "logcodes/causes.hpp"

#include "logcodes/formats/sip.hpp"
#include "logcodes/q850.hpp"

namespace logcodes {

std::string_view record_cause(const Record& r, std::uint16_t code, std::string& buf) {
    if (r.protocol == Protocol::sip) {
        if (const int q = reason_cause(r.sip.reason_header, "Q.850"); q > 0) {
            const Q850Cause* c = find_q850(q);
            buf = "q850_" + std::to_string(q) + "_" + std::string(c ? c->slug : std::string_view("unknown"));
            return buf;
        }
        if (const int s = reason_cause(r.sip.reason_header, "SIP"); s > 0) {
            buf = "sip_reason_" + std::to_string(s);
            return buf;
        }
        const std::string_view w = r.sip.warning;
        if (w.size() >= 3 && w[0] >= '3' && w[0] <= '3' && w[1] >= '0' && w[1] <= '9' && w[2] >= '0' && w[2] <= '9') {
            buf = "sip_warning_" + std::string(w.substr(0, 3));  // RFC 3261 §20.43 warn-codes are 3xx
            return buf;
        }
    }
    return code >= 400 ? std::string_view("unknown") : std::string_view{};
}

}  // namespace logcodes
