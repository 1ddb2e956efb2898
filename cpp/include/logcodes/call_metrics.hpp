// Per-group sums behind the call metrics of RFC 6076 and ITU-T E.411 (Summary.kpis() divides them).
//
// Each finished call or registration adds one CallFigures to its group: counts, and for each delay a sum
// of milliseconds and the number of calls it was measured on. Integer sums merge exactly, in any order.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "logcodes/call_table.hpp"

namespace logcodes {

enum class CallFigure : std::uint8_t {
    calls,         // call attempts with a final response (RFC 6076 "session requests")
    answered, busy, no_answer, rejected, cancelled, failed,  // by outcome (call_outcome)
    ok_200,        // final 200 (RFC 6076 §4.6 SER numerator)
    effective,     // final 200, 480, 486, 600 or 603 (§4.7 SEER numerator)
    redirected,    // final 3xx: left out of the SER and SEER denominators
    ineffective,   // final 408, 500, 503 or 504 (§4.8 ISA)
    completed,     // answered, and ended by a BYE answered 2xx (§4.9 SCR)
    invites,       // INVITEs sent for the calls (re-sent after 401/407 and 3xx included)
    auth_rounds,   // 401/407 received
    srd_ms, srd_n,                // §4.3.1: first INVITE -> first 18x or 200 of an answered call
    srd_failed_ms, srd_failed_n,  // §4.3.2: first INVITE -> the 4xx-6xx final response (cancelled left out)
    pdd_ms, pdd_n,                // post-dial delay: first INVITE -> first 18x
    setup_ms, setup_n,            // first INVITE -> 2xx
    sdd_ms, sdd_n,                // §4.4: BYE -> its 2xx
    sdt_ms, sdt_n,                // §4.5.1: 2xx -> BYE (E.411 mean call duration)
    registrations,                // REGISTER attempts finished (challenges within one not counted apart)
    registered,                   // ... with a 2xx
    rrd_ms, rrd_n,                // §4.1: first REGISTER -> its 2xx
    count_
};
inline constexpr std::size_t kCallFigureCount = static_cast<std::size_t>(CallFigure::count_);
using CallFigures = std::array<std::int64_t, kCallFigureCount>;

std::string_view call_figure_name(CallFigure f) noexcept;
CallFigures call_figures(const CallResult& call, std::string_view outcome) noexcept;
CallFigures registration_figures(const RegistrationResult& reg) noexcept;

}  // namespace logcodes
