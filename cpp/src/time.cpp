#include "logcodes/time.hpp"

namespace logcodes {

namespace {

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) noexcept {
    if (pos + n > s.size()) return false;
    int v = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const unsigned d = static_cast<unsigned char>(s[pos + i]) - '0';
        if (d > 9) return false;
        v = v * 10 + static_cast<int>(d);
    }
    out = v;
    return true;
}

// "Jan".."Dec" -> 1..12, 0 when not a month.
unsigned month_number(std::string_view m) noexcept {
    static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    for (unsigned i = 0; i < 12; ++i) {
        const auto& k = kMonths[i];
        if ((m[0] | 0x20) == (k[0] | 0x20) && (m[1] | 0x20) == k[1] && (m[2] | 0x20) == k[2]) return i + 1;
    }
    return 0;
}

}  // namespace

std::int64_t parse_clf_time(std::string_view s) noexcept {
    // dd/Mon/yyyy:HH:MM:SS[ +hhmm]
    int day, year, hh, mm, ss;
    if (s.size() < 20 || s[2] != '/' || s[6] != '/' || s[11] != ':' || s[14] != ':' || s[17] != ':') return kNoTime;
    if (!digits(s, 0, 2, day) || !digits(s, 7, 4, year) || !digits(s, 12, 2, hh) || !digits(s, 15, 2, mm) ||
        !digits(s, 18, 2, ss))
        return kNoTime;
    const unsigned month = month_number(s.substr(3, 3));
    if (month == 0 || day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 60) return kNoTime;
    std::int64_t t = days_from_civil(year, month, static_cast<unsigned>(day)) * 86400 + hh * 3600 + mm * 60 + ss;
    if (s.size() >= 26 && s[20] == ' ' && (s[21] == '+' || s[21] == '-')) {
        int zh, zm;
        if (!digits(s, 22, 2, zh) || !digits(s, 24, 2, zm)) return kNoTime;
        const int offset = (zh * 60 + zm) * 60;
        t -= s[21] == '+' ? offset : -offset;  // local time minus its offset is UTC
    }
    return t;
}

}  // namespace logcodes
