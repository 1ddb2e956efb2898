#include "logcodes/time.hpp"

namespace logcodes {

namespace {

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) noexcept {
    if (pos + n > s.size()) return false;
    int v = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const char c = s[pos + i];
        if (c < '0' || c > '9') return false;
        v = v * 10 + (c - '0');
    }
    out = v;
    return true;
}

// "Jan".."Dec" -> 1..12, 0 when not a month.
unsigned month_number(std::string_view m) noexcept {
    static constexpr std::string_view kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                                   "jul", "aug", "sep", "oct", "nov", "dec"};
    for (unsigned i = 0; i < 12; ++i) {
        const auto& k = kMonths[i];
        if ((m[0] | 0x20) == k[0] && (m[1] | 0x20) == k[1] && (m[2] | 0x20) == k[2]) return i + 1;
    }
    return 0;
}

bool leap(int y) noexcept { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// A real calendar day (no 31 April, no 29 February 2001) and a clock time (a leap second allowed).
bool valid_date_time(int year, unsigned month, int day, int hh, int mm, int ss) noexcept {
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12 || day < 1) return false;
    const int days = kDays[month - 1] + (month == 2 && leap(year) ? 1 : 0);
    return day <= days && hh <= 23 && mm <= 59 && ss <= 60;
}

// "+hhmm", "+hh:mm", "Z" at `pos` (after optional fraction digits); returns false on junk.
bool zone_offset(std::string_view s, std::size_t pos, int& offset) noexcept {
    offset = 0;
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    }
    while (pos < s.size() && s[pos] == ' ') ++pos;
    if (pos >= s.size()) return true;
    if (s[pos] == 'Z' || s[pos] == 'z') return pos + 1 == s.size();
    if (s[pos] != '+' && s[pos] != '-') return false;
    int zh, zm;
    if (!digits(s, pos + 1, 2, zh)) return false;
    std::size_t m = pos + 3;
    if (m < s.size() && s[m] == ':') ++m;
    if (!digits(s, m, 2, zm) || m + 2 != s.size()) return false;
    offset = (zh * 60 + zm) * 60 * (s[pos] == '+' ? 1 : -1);
    return true;
}

}  // namespace

std::int64_t parse_clf_time(std::string_view s) noexcept {
    // dd/Mon/yyyy:HH:MM:SS[.fff][ +hhmm]
    int day, year, hh, mm, ss;
    if (s.size() < 20 || s[2] != '/' || s[6] != '/' || s[11] != ':' || s[14] != ':' || s[17] != ':') return kNoTime;
    if (!digits(s, 0, 2, day) || !digits(s, 7, 4, year) || !digits(s, 12, 2, hh) || !digits(s, 15, 2, mm) ||
        !digits(s, 18, 2, ss))
        return kNoTime;
    const unsigned month = month_number(s.substr(3, 3));
    if (month == 0 || !valid_date_time(year, month, day, hh, mm, ss)) return kNoTime;
    int offset;
    if (!zone_offset(s, 20, offset)) return kNoTime;
    return days_from_civil(year, month, static_cast<unsigned>(day)) * 86400 + hh * 3600 + mm * 60 + ss - offset;
}

std::int64_t parse_iso8601_time(std::string_view s) noexcept {
    // yyyy-mm-ddTHH:MM:SS[.f][Z|±hh:mm]
    int year, month, day, hh, mm, ss;
    if (s.size() < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ' && s[10] != 't') ||
        s[13] != ':' || s[16] != ':')
        return kNoTime;
    if (!digits(s, 0, 4, year) || !digits(s, 5, 2, month) || !digits(s, 8, 2, day) || !digits(s, 11, 2, hh) ||
        !digits(s, 14, 2, mm) || !digits(s, 17, 2, ss))
        return kNoTime;
    if (!valid_date_time(year, static_cast<unsigned>(month), day, hh, mm, ss)) return kNoTime;
    int offset;
    if (!zone_offset(s, 19, offset)) return kNoTime;
    return days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 + hh * 3600 +
           mm * 60 + ss - offset;
}

std::int64_t parse_epoch_time(std::string_view s) noexcept {
    if (s.empty() || s.size() > 24) return kNoTime;
    std::int64_t v = 0;
    std::size_t i = 0;
    for (; i < s.size() && s[i] != '.'; ++i) {
        if (s[i] < '0' || s[i] > '9') return kNoTime;
        // Nanoseconds since 1970 need 19 digits; more than int64 holds is not a time.
        if (v > (INT64_MAX - 9) / 10) return kNoTime;
        v = v * 10 + (s[i] - '0');
    }
    if (i == 0) return kNoTime;
    for (std::size_t j = i + 1; j < s.size(); ++j)
        if (s[j] < '0' || s[j] > '9') return kNoTime;
    if (v > 100'000'000'000'000'000LL) return v / 1'000'000'000;
    if (v > 100'000'000'000'000LL) return v / 1'000'000;
    if (v > 100'000'000'000LL) return v / 1000;
    return v;
}

std::int64_t parse_w3c_time(std::string_view date, std::string_view time) noexcept {
    if (date.size() != 10 || time.size() < 8) return kNoTime;
    char buf[40];
    std::size_t n = 0;
    for (char c : date) buf[n++] = c;
    buf[n++] = 'T';
    for (std::size_t i = 0; i < time.size() && n < sizeof buf; ++i) buf[n++] = time[i];
    return parse_iso8601_time(std::string_view(buf, n));
}

std::int64_t parse_any_time(std::string_view s) noexcept {
    if (s.size() >= 3 && s[2] == '/') return parse_clf_time(s);
    if (s.size() >= 5 && s[4] == '-') return parse_iso8601_time(s);
    return parse_epoch_time(s);
}

std::int64_t record_time(TimeSyntax syntax, std::string_view time, std::string_view time2) noexcept {
    switch (syntax) {
        case TimeSyntax::none: return kNoTime;
        case TimeSyntax::clf: return parse_clf_time(time);
        case TimeSyntax::iso8601: return parse_iso8601_time(time);
        case TimeSyntax::epoch: return parse_epoch_time(time);
        case TimeSyntax::w3c: return parse_w3c_time(time, time2);
        case TimeSyntax::any: return parse_any_time(time);
    }
    return kNoTime;
}

namespace {

// Milliseconds of a ".fff…" fraction at `pos` (0 when there is none).
std::int64_t fraction_ms(std::string_view s, std::size_t pos) noexcept {
    if (pos >= s.size() || s[pos] != '.') return 0;
    std::int64_t ms = 0;
    int digits_read = 0;
    for (std::size_t i = pos + 1; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i)
        if (digits_read < 3) {
            ms = ms * 10 + (s[i] - '0');
            ++digits_read;
        }
    for (; digits_read < 3; ++digits_read) ms *= 10;
    return ms;
}

// Epoch values keep their unit's precision: milliseconds, microseconds and nanoseconds are scaled down.
std::int64_t epoch_ms(std::string_view s) noexcept {
    if (parse_epoch_time(s) == kNoTime) return kNoTime;
    std::int64_t v = 0;
    std::size_t i = 0;
    for (; i < s.size() && s[i] != '.'; ++i) v = v * 10 + (s[i] - '0');
    if (v > 100'000'000'000'000'000LL) return v / 1'000'000;
    if (v > 100'000'000'000'000LL) return v / 1000;
    if (v > 100'000'000'000LL) return v;
    return v * 1000 + fraction_ms(s, i);
}

std::int64_t time_ms(TimeSyntax syntax, std::string_view time, std::string_view time2) noexcept {
    const std::int64_t sec = record_time(syntax, time, time2);
    if (sec == kNoTime) return kNoTime;
    switch (syntax) {
        case TimeSyntax::clf: return sec * 1000 + fraction_ms(time, 20);
        case TimeSyntax::iso8601: return sec * 1000 + fraction_ms(time, 19);
        case TimeSyntax::w3c: return sec * 1000 + fraction_ms(time2, 8);
        default: return sec * 1000;
    }
}

}  // namespace

std::int64_t record_time_ms(TimeSyntax syntax, std::string_view time, std::string_view time2) noexcept {
    if (syntax == TimeSyntax::epoch) return epoch_ms(time);
    if (syntax == TimeSyntax::any) {
        if (time.size() >= 3 && time[2] == '/') return time_ms(TimeSyntax::clf, time, time2);
        if (time.size() >= 5 && time[4] == '-') return time_ms(TimeSyntax::iso8601, time, time2);
        return epoch_ms(time);
    }
    return time_ms(syntax, time, time2);
}

std::int64_t record_zone_offset(TimeSyntax syntax, std::string_view time) noexcept {
    if (syntax == TimeSyntax::any) {
        if (time.size() >= 3 && time[2] == '/') syntax = TimeSyntax::clf;
        else if (time.size() >= 5 && time[4] == '-') syntax = TimeSyntax::iso8601;
        else return 0;
    }
    int offset = 0;
    if (syntax == TimeSyntax::clf && time.size() >= 20 && zone_offset(time, 20, offset)) return offset;
    if (syntax == TimeSyntax::iso8601 && time.size() >= 19 && zone_offset(time, 19, offset)) return offset;
    return 0;
}

}  // namespace logcodes
