// A proxy's record of its upstream: nginx $upstream_status ("502, 504, 200" — one code per server tried,
// " : " between upstream groups), HAProxy and load balancers' target status.
#pragma once

#include <cstdint>
#include <string_view>

namespace logcodes {

// The last status code in an upstream status list ("502, 504, 200" -> 200; "504 : 200" -> 200), 0 if none.
std::uint16_t final_upstream_code(std::string_view list) noexcept;

}  // namespace logcodes
