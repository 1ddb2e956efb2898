#include "logcodes/duration.hpp"

#include <charconv>
#include <cmath>

namespace logcodes {

bool record_duration_seconds(const Record& r, double& seconds) noexcept {
    if (r.duration_unit == DurationUnit::none || r.duration.empty()) return false;
    std::string_view t = r.duration;
    if (t.front() == '+') t.remove_prefix(1);
    // A protobuf Duration in JSON (Cloud Logging's httpRequest.latency): seconds with an "s".
    if (r.duration_unit == DurationUnit::seconds && !t.empty() && t.back() == 's') t.remove_suffix(1);
    double v = 0;
    const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v, std::chars_format::fixed);
    if (ec != std::errc{} || end != t.data() + t.size() || !(v >= 0) || std::isinf(v)) return false;
    switch (r.duration_unit) {
        case DurationUnit::seconds: seconds = v; break;
        case DurationUnit::milliseconds: seconds = v / 1e3; break;
        case DurationUnit::microseconds: seconds = v / 1e6; break;
        case DurationUnit::nanoseconds: seconds = v / 1e9; break;
        case DurationUnit::none: return false;
    }
    return true;
}

}  // namespace logcodes
