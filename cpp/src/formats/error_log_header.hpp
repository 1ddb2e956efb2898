// The first line of an error-log event, recognised per server layout (private to the error-log reader).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace logcodes::errorlog {

// The layouts whose event headers are told apart; a kind (nginx_error, catalina_out ...) accepts some of them.
enum class Family : std::uint8_t { none, nginx, apache, tomcat, tomcat_simple, log4j, php, php_fpm, python };

constexpr std::uint16_t bit(Family f) noexcept { return static_cast<std::uint16_t>(1u << static_cast<unsigned>(f)); }

struct Header {
    Family family = Family::none;
    std::string time;         // ISO 8601 ("2026-11-23 23:46:27[.fff][+hh:mm|Z]")
    std::string_view level;   // as written ("error", "SEVERE", "Fatal error"); empty when the header has none
    std::size_t message = 0;  // where the message starts in the line
};

// Recognises the first line of an event; false for continuation lines and anything else.
bool header(std::string_view line, Header& h);

// Python tracebacks and the lines that chain one to the next ("During handling of the above exception ...").
bool traceback_start(std::string_view line) noexcept;
bool traceback_chain(std::string_view line) noexcept;

}  // namespace logcodes::errorlog
