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
#include <string_view>

#include "logcodes/formats/builtin.hpp"

namespace logcodes {

// error_log (every layout, for scan(errors=...)) and one detectable kind per layout: nginx_error,
// apache_error, tomcat_juli, tomcat_simple, log4j, python_log, php_error, php_fpm, and catalina_out (the
// Java layouts mixed, as the JVM's console collects them).
std::span<const BuiltinFormat> error_log_formats();

// True when one of two error-log kinds reads every layout the other reads (log4j and catalina_out): a tie
// between them is no ambiguity. False for other formats.
bool error_log_kinds_related(const Format& a, const Format& b) noexcept;

// Whether the reader of every layout (error_log) starts an event at `line` (without its '\n') whatever came
// before it: an event header. A piece of an error log read on its own begins at one.
bool error_log_event_start(std::string_view line);

}  // namespace logcodes
