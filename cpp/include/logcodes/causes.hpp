// Why a response is what it is: a cause with a short stable slug ("q850_17_user_busy",
// "iis_500_19_invalid_configuration", "upstream_refused", "jsp_compile_error"), an optional detail (a JSP
// file, an exception class, an upstream address, the raw field value) and where it came from:
//   record       the record says it itself (SIP Reason, IIS substatus, ALB error_reason, Envoy flags ...)
//   rule         an error-log event matched a rule
//   correlation  the access-log error was joined with an error-log event (see correlate.hpp)
// Every error (4xx-6xx) gets a cause: "unknown" when nothing says why.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "logcodes/record.hpp"

namespace logcodes {

struct Cause {
    std::string_view slug;     // empty: no error and nothing said
    std::string_view detail;
    std::string_view source;   // "record", "rule", "correlation:request_id" ...
};

// The cause a record carries itself (or one set on it by correlation), with `code` its classified code.
// `buf` holds slugs that must be built.
Cause record_cause(const Record& r, std::uint16_t code, std::string& buf);

// The human label of a slug ("Q.850 17: User busy", "IIS 500.19: configuration data is invalid");
// empty for a slug the library does not know (user rules carry their own labels).
std::string label_of(std::string_view slug);

}  // namespace logcodes
