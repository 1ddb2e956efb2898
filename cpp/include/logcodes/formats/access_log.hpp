// The NCSA family of access logs: Common Log Format and the formats built on it
// (combined, vhost_combined, nginx's default "main", Tomcat AccessLogValve common/combined).
//
// All share one layout:   PREFIX [TIME] "REQUEST" STATUS BYTES TRAILING...
// and differ in the prefix (vhost first or not) and in how many quoted fields trail.
#pragma once

#include <string_view>

#include "logcodes/formats/format.hpp"

namespace logcodes {

struct AccessLogLayout {
    std::string_view name;
    std::string_view description;
    bool vhost_first;          // "%v:%p %h %l %u %t ..." (Apache vhost_combined)
    int prefix_tokens;         // tokens before "[time]" (3: host ident user; 4 with the vhost)
    int trailing_quoted;       // quoted fields after BYTES (0 common, 2 combined, 3 nginx main)
};

class AccessLogFormat final : public Format {
public:
    explicit constexpr AccessLogFormat(AccessLogLayout layout) noexcept : layout_(layout) {}
    std::string_view name() const noexcept override { return layout_.name; }
    std::string_view description() const noexcept override { return layout_.description; }
    TimeSyntax time_syntax() const noexcept override { return TimeSyntax::clf; }
    bool parse(std::string_view line, Record& out) const noexcept override;
    std::unique_ptr<Parser> make_parser() const override;
    bool matches(std::string_view line) const noexcept override;
    bool strict(std::string_view line, const Record& r) const noexcept override;

private:
    // Parses the common part; `after_bytes` receives the position just past the BYTES token.
    bool parse_core(std::string_view line, Record& out, std::size_t& after_bytes) const noexcept;
    AccessLogLayout layout_;
};

// Splits `"GET /a b?x=1 HTTP/1.1"`'s inside into method and target (the target may contain spaces).
void split_request(std::string_view request, Record& out) noexcept;

}  // namespace logcodes
