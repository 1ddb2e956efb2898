// Timestamps as written in logs, to seconds since the Unix epoch (UTC).
#pragma once

#include <cstdint>
#include <string_view>

namespace logcodes {

inline constexpr std::int64_t kNoTime = INT64_MIN;

// "10/Oct/2000:13:55:36 -0700" (Apache %t / nginx $time_local, without the brackets). The zone is
// optional (then UTC). Returns kNoTime when the text is not such a time.
std::int64_t parse_clf_time(std::string_view text) noexcept;

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
