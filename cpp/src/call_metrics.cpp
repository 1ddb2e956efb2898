#include "logcodes/call_metrics.hpp"

namespace logcodes {

namespace {

constexpr std::array<std::string_view, kCallFigureCount> kNames = {
    "calls", "answered", "busy", "no_answer", "rejected", "cancelled", "failed", "ok_200", "effective",
    "redirected", "ineffective", "completed", "invites", "auth_rounds", "srd_ms", "srd_n", "srd_failed_ms",
    "srd_failed_n", "pdd_ms", "pdd_n", "setup_ms", "setup_n", "sdd_ms", "sdd_n", "sdt_ms", "sdt_n",
    "registrations", "registered", "rrd_ms", "rrd_n"};

std::int64_t& at(CallFigures& f, CallFigure k) noexcept { return f[static_cast<std::size_t>(k)]; }

// Adds `to - from` to a delay's sum and count when the capture shows both ends in order. Times taken at
// different capture points may disagree: a negative delay is not a delay.
void delay(CallFigures& f, CallFigure sum, std::int64_t from, std::int64_t to) noexcept {
    if (from == kNoMs || to == kNoMs || to < from) return;
    at(f, sum) += to - from;
    at(f, static_cast<CallFigure>(static_cast<std::size_t>(sum) + 1)) += 1;
}

std::int64_t earliest(std::int64_t a, std::int64_t b) noexcept {
    if (a == kNoMs) return b;
    if (b == kNoMs) return a;
    return a < b ? a : b;
}

}  // namespace

std::string_view call_figure_name(CallFigure f) noexcept { return kNames[static_cast<std::size_t>(f)]; }

CallFigures call_figures(const CallResult& c, std::string_view outcome) noexcept {
    CallFigures f{};
    at(f, CallFigure::calls) = 1;
    for (auto k : {CallFigure::answered, CallFigure::busy, CallFigure::no_answer, CallFigure::rejected,
                   CallFigure::cancelled, CallFigure::failed})
        if (call_figure_name(k) == outcome) at(f, k) = 1;
    const int code = c.final_code;
    const bool answered = code / 100 == 2;
    at(f, CallFigure::ok_200) = code == 200;
    at(f, CallFigure::effective) = code == 200 || code == 480 || code == 486 || code == 600 || code == 603;
    at(f, CallFigure::redirected) = code / 100 == 3;
    at(f, CallFigure::ineffective) = code == 408 || code == 500 || code == 503 || code == 504;
    at(f, CallFigure::completed) = answered && c.bye_answered;
    at(f, CallFigure::invites) = c.attempts;
    at(f, CallFigure::auth_rounds) = c.auth_rounds;
    if (answered) {
        delay(f, CallFigure::srd_ms, c.invite_ms, earliest(c.ringing_ms, c.final_ms));
        delay(f, CallFigure::setup_ms, c.invite_ms, c.final_ms);
        delay(f, CallFigure::sdt_ms, c.final_ms, c.bye_ms);
        if (c.bye_answered) delay(f, CallFigure::sdd_ms, c.bye_ms, c.bye_final_ms);
    } else if (code >= 400 && outcome != "cancelled") {
        delay(f, CallFigure::srd_failed_ms, c.invite_ms, c.final_ms);
    }
    delay(f, CallFigure::pdd_ms, c.invite_ms, c.ringing_ms);
    return f;
}

CallFigures registration_figures(const RegistrationResult& r) noexcept {
    CallFigures f{};
    at(f, CallFigure::registrations) = 1;
    if (r.final_code / 100 == 2) {
        at(f, CallFigure::registered) = 1;
        delay(f, CallFigure::rrd_ms, r.request_ms, r.final_ms);
    }
    return f;
}

}  // namespace logcodes
