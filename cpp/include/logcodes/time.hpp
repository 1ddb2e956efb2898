// Timestamps as written in logs, to seconds since the Unix epoch (UTC).
#pragma once

#include <cstdint>
#include <string_view>

#include "logcodes/record.hpp"

namespace logcodes {

inline constexpr std::int64_t kNoTime = INT64_MIN;

// "10/Oct/2000:13:55:36 -0700" (Apache %t / nginx $time_local, without the brackets; HAProxy's
// "06/Feb/2009:12:14:14.655" too). The zone is optional (then UTC). kNoTime when not such a time.
std::int64_t parse_clf_time(std::string_view text) noexcept;
// "2026-11-23T23:46:27+00:00", "2018-07-02T22:23:00.186641Z", "2026-11-23 23:46:27" (UTC when no zone).
std::int64_t parse_iso8601_time(std::string_view text) noexcept;
// "1700000000", "1700000000.123"; values above 1e11 are taken as milliseconds, above 1e14 as
// microseconds, above 1e17 as nanoseconds (JSON loggers use all of them).
std::int64_t parse_epoch_time(std::string_view text) noexcept;
// W3C: date "2015-01-13" and time "00:00:10" (always UTC).
std::int64_t parse_w3c_time(std::string_view date, std::string_view time) noexcept;
// Any of the above, told apart by shape.
std::int64_t parse_any_time(std::string_view text) noexcept;
// A record's time, by its syntax.
std::int64_t record_time(TimeSyntax syntax, std::string_view time, std::string_view time2) noexcept;

// A record's time in milliseconds since the epoch (UTC), keeping the fraction of a second the log writes.
std::int64_t record_time_ms(TimeSyntax syntax, std::string_view time, std::string_view time2) noexcept;
// The zone offset (seconds east of UTC) the record's time is written in; 0 when it names none (then the
// wall clock is taken as UTC) or for syntaxes that are always UTC (epoch, W3C).
std::int64_t record_zone_offset(TimeSyntax syntax, std::string_view time) noexcept;

// Days since 1970-01-01 of a proleptic Gregorian date.
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? static_cast<unsigned>(-3) : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

}  // namespace logcodes
