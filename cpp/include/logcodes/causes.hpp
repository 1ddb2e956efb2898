// Why a response is what it is: a short stable slug ("q850_17_user_busy", "unknown").
//
// This is the part of the cause model that reads the record itself (SIP Reason / Q.850 and Warning
// headers); every error (4xx-6xx) gets a cause, "unknown" when nothing says why.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "logcodes/record.hpp"

namespace logcodes {

// The cause of a record with code `code`, written into `buf` when it must be built; empty when the
// record is no error and says nothing about a cause.
std::string_view record_cause(const Record& r, std::uint16_t code, std::string& buf);

}  // namespace logcodes
