#include "logcodes/formats/compilers.hpp"

namespace logcodes {

const std::vector<FormatCompiler>& format_compilers() {
    static const std::vector<FormatCompiler> list{
        {"nginx", "your nginx log_format, as in nginx.conf", &compile_nginx},
        {"apache", "your Apache LogFormat string, as in httpd.conf", &compile_apache},
        {"tomcat", "your Tomcat AccessLogValve pattern", &compile_tomcat},
        {"envoy", "your Envoy access-log format string", &compile_envoy},
        {"cloudfront", "your CloudFront real-time log configuration's field names", &compile_cloudfront_realtime},
    };
    return list;
}

const FormatCompiler* find_format_compiler(std::string_view kind) noexcept {
    for (const auto& c : format_compilers())
        if (c.kind == kind) return &c;
    return nullptr;
}

}  // namespace logcodes
