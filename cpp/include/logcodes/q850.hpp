// ITU-T Q.850 cause values: the ISDN/SS7 release causes that SIP carries in Reason headers
// (RFC 3326, RFC 6432), and the RFC 3398 mappings between them and SIP response codes.
#pragma once

#include <span>
#include <string_view>

namespace logcodes {

struct Q850Cause {
    int value;
    std::string_view name;   // "User busy"
    std::string_view slug;   // "user_busy"
};

std::span<const Q850Cause> q850_causes() noexcept;
const Q850Cause* find_q850(int value) noexcept;
// RFC 3398 §8.2.6.1: the SIP response a gateway sends for an ISDN cause (0 when unmapped).
int q850_to_sip(int cause) noexcept;
// RFC 3398 §7.2.4.1: the ISDN cause a gateway sends for a SIP response (0 when unmapped).
int sip_to_q850(int code) noexcept;
// True when a SIP final response and the Q.850 cause in its Reason header tell the same story
// (either mapping agrees, or they are equivalent outcomes: busy/busy, no answer/no answer ...).
bool q850_consistent(int code, int cause) noexcept;

}  // namespace logcodes
