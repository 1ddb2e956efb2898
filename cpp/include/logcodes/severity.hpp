// One severity scale for the levels every error-log layout writes in its own words.
#pragma once

#include <string_view>

namespace logcodes {

// The syslog-style name of a level: emerg, alert, crit, error, warn, notice, info, debug, trace. Java's
// levels map as the SLF4J bridge maps them (SEVERE error, WARNING warn, INFO and CONFIG info, FINE and
// FINER debug, FINEST trace), log4j's and Python's FATAL/CRITICAL are crit, Apache's trace1..8 trace.
// A level none of these names is returned as written; no level at all stays empty.
std::string_view severity(std::string_view level) noexcept;

}  // namespace logcodes
