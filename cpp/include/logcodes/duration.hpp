// A record's duration in seconds, from its token and unit ("0.123" s, "123" ms, "123456" us ...).
#pragma once

#include "logcodes/record.hpp"

namespace logcodes {

// False when the record has no duration, or it is not a non-negative number ("-", "", "abc").
bool record_duration_seconds(const Record& r, double& seconds) noexcept;

}  // namespace logcodes
