// Error logs: events (one or several lines each) that say why responses failed.
//
// One reader recognises the event headers of nginx error.log, Apache error_log (2.2 and 2.4), Tomcat
// (catalina.out, catalina.*.log, localhost.*.log: OneLineFormatter and the older two-line layout), PHP error
// logs, and Python logging / gunicorn / Django tracebacks. A line that starts no event continues the open
// one (Java stack traces, "Caused by:" chains, "with root cause" sections, tracebacks, FastCGI stderr).
// Each event carries its time, level, the request it names (URI, JSP file, request id) and a detail: the
// JSP file, the root exception class, the upstream address or the PHP file.
#pragma once

#include <span>

#include "logcodes/formats/builtin.hpp"

namespace logcodes {

std::span<const BuiltinFormat> error_log_formats();

}  // namespace logcodes
