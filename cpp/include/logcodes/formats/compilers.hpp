// Formats built at run time from a server's own format string, or from a user's field map.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "logcodes/formats/format.hpp"

namespace logcodes {

struct CompileResult {
    FormatPtr format;           // set on success
    std::string error;          // what is wrong, for people ("unknown variable $foo")
    std::size_t position = 0;   // byte offset of the offending token in the given text
    std::string token;          // the offending token as written
    explicit operator bool() const noexcept { return format != nullptr; }
};

// nginx log_format: the text after the name as in nginx.conf — an optional escape=json|default|none,
// then one or more quoted strings (or bare text); a trailing ';' is allowed.
CompileResult compile_nginx(std::string_view text, std::string name = "nginx");
// Apache LogFormat: the format string (quoted as in httpd.conf, or bare), or a whole LogFormat line.
CompileResult compile_apache(std::string_view text, std::string name = "apache");
// Tomcat AccessLogValve pattern (or the names "common" / "combined").
CompileResult compile_tomcat(std::string_view text, std::string name = "tomcat");
// Envoy access-log format string (%START_TIME%, %RESPONSE_CODE%, %REQ(:PATH)% ...).
CompileResult compile_envoy(std::string_view text, std::string name = "envoy");
// CloudFront real-time log configuration: its field names (timestamp c-ip sc-status ...), in any order.
CompileResult compile_cloudfront_realtime(std::string_view text, std::string name = "cloudfront_realtime");

// The server format strings above by kind ("nginx", "apache", "tomcat", "envoy", "cloudfront"): the one list the
// bindings, the Python formats module and the command line's --KIND-format flags are made from.
struct FormatCompiler {
    std::string_view kind;
    std::string_view what;     // what the text is, for people ("your nginx log_format, as in nginx.conf")
    CompileResult (*compile)(std::string_view text, std::string name);
};
const std::vector<FormatCompiler>& format_compilers();
const FormatCompiler* find_format_compiler(std::string_view kind) noexcept;

// JSON lines: a map from dimension/role names ("status", "method", "path", "target", "host", "time",
// "duration", "upstream_status", "client", "bytes", "user_agent", "request", any other name = a named
// field) to JSON paths with '.' between keys ("http.response.status_code"); several paths may be given
// for one name, the first present wins.
CompileResult compile_json(const std::vector<std::pair<std::string, std::vector<std::string>>>& fields,
                           std::string name = "json");

}  // namespace logcodes
