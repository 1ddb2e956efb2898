// Event headers of the error-log layouts. Each check follows the server's own writer:
//   nginx      src/core/ngx_log.c: "2026/11/23 23:46:27 [error] 123#123: *5 message"
//   Apache     2.4 server/log.c: "[Sat Nov 23 23:46:27.123456 2026] [module:level] [pid 1:tid 2] ..."
//              2.2 server/log.c: "[Sat Nov 23 23:46:27 2026] [level] [client 1.2.3.4] ..."
//   Tomcat     JULI OneLineFormatter: "23-Nov-2026 23:46:27.123 SEVERE [thread] class.method message";
//              java.util.logging.SimpleFormatter: "Nov 23, 2026 11:46:27 PM class method" + "SEVERE: message"
//   log4j      PatternLayout / logback: "2026-11-23 23:46:27,123 ERROR [thread] a.b.C - message"
//   PHP        main/main.c php_log_err: "[23-Nov-2026 23:46:27 UTC] PHP Fatal error:  ..."
//   PHP-FPM    sapi/fpm/fpm/zlog.c: "[23-Nov-2026 23:46:27] WARNING: [pool www] ..."
//   Python     logging: "ERROR:name:message" (basicConfig), "2026-11-23 23:46:27,123 ERROR ...",
//              gunicorn "[2026-11-23 23:46:27 +0000] [123] [ERROR] ..."
#include "error_log_header.hpp"

#include <cstdio>

namespace logcodes::errorlog {

namespace {

bool digit(char c) noexcept { return c >= '0' && c <= '9'; }
bool upper(char c) noexcept { return c >= 'A' && c <= 'Z'; }
bool lower(char c) noexcept { return c >= 'a' && c <= 'z'; }

bool digits(std::string_view s, std::size_t pos, std::size_t n) noexcept {
    if (pos + n > s.size()) return false;
    for (std::size_t i = 0; i < n; ++i)
        if (!digit(s[pos + i])) return false;
    return true;
}

int month(std::string_view m) noexcept {
    static constexpr std::string_view k[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    for (int i = 0; i < 12; ++i)
        if (m == k[i]) return i + 1;
    return 0;
}

void iso(std::string& out, int y, int mo, int d, std::string_view hms, std::string_view frac = {}, std::string_view zone = {}) {
    // "YYYY-MM-DD " written by hand: this runs once per event of logs of many megabytes.
    const char buf[11] = {static_cast<char>('0' + y / 1000 % 10), static_cast<char>('0' + y / 100 % 10),
                          static_cast<char>('0' + y / 10 % 10),   static_cast<char>('0' + y % 10), '-',
                          static_cast<char>('0' + mo / 10 % 10),  static_cast<char>('0' + mo % 10), '-',
                          static_cast<char>('0' + d / 10 % 10),   static_cast<char>('0' + d % 10), ' '};
    out.assign(buf, sizeof buf);
    out.append(hms);
    if (!frac.empty()) out.append(".").append(frac);
    out.append(zone);
}

// The leading digits of `s` as a number; at most 9 are read (no date field is longer), so a long run of
// digits where a year should be ("[Tue Nov 24 10:17:11 2183372026]") cannot overflow.
int num(std::string_view s) noexcept {
    int v = 0;
    for (std::size_t i = 0; i < s.size() && i < 9 && digit(s[i]); ++i) v = v * 10 + (s[i] - '0');
    return v;
}

// Level names of Java (JUL, log4j, logback) and Python logging, as their layouts write them.
bool level_word(std::string_view w) noexcept {
    for (std::string_view k : {"TRACE", "DEBUG", "INFO", "NOTICE", "WARN", "WARNING", "ERROR", "FATAL", "CRITICAL",
                               "SEVERE", "CONFIG", "FINE", "FINER", "FINEST"})
        if (w == k) return true;
    return false;
}

// PHP's error types (php_error_cb) read as the syslog level PHP itself gives them.
std::string_view php_level(std::string_view message) noexcept {
    if (!message.starts_with("PHP ")) return "notice";  // error_log() text: php_log_err() logs at LOG_NOTICE
    const std::string_view type = message.substr(4, message.find(':') == std::string_view::npos ? 0 : message.find(':') - 4);
    if (type.ends_with("error")) return "error";   // Fatal error, Parse error, Recoverable fatal error
    if (type.ends_with("Warning") || type.ends_with("warning")) return "warning";
    if (type == "Notice") return "notice";
    if (type == "Deprecated" || type == "Strict Standards") return "info";
    return "notice";
}

bool nginx(std::string_view l, Header& h) {
    if (!(l.size() > 22 && digits(l, 0, 4) && l[4] == '/' && l[7] == '/' && l[10] == ' ' && l[13] == ':' &&
          l[19] == ' ' && l[20] == '['))
        return false;
    const std::size_t close = l.find(']', 21);
    if (close == std::string_view::npos) return false;
    h.family = Family::nginx;
    iso(h.time, num(l.substr(0, 4)), num(l.substr(5, 2)), num(l.substr(8, 2)), l.substr(11, 8));
    h.level = l.substr(21, close - 21);
    std::size_t m = l.find(": ", close);
    m = m == std::string_view::npos ? close + 1 : m + 2;
    if (m < l.size() && l[m] == '*') {  // connection number
        const std::size_t sp = l.find(' ', m);
        if (sp != std::string_view::npos) m = sp + 1;
    }
    h.message = m;
    return true;
}

bool apache(std::string_view l, Header& h) {
    if (!(l.size() > 26 && l[0] == '[' && upper(l[1]) && l[4] == ' ' && upper(l[5]) && l[8] == ' ')) return false;
    const std::size_t close = l.find(']');
    if (close == std::string_view::npos || close < 25) return false;
    const std::string_view inside = l.substr(1, close - 1);  // Sat Nov 23 23:46:27.123456 2026
    const int mo = month(inside.substr(4, 3));
    const std::size_t year_at = inside.rfind(' ');
    if (mo == 0 || year_at == std::string_view::npos || year_at < 11 || !digits(inside, year_at + 1, 4)) return false;
    const std::string_view clock = inside.substr(11, year_at - 11);  // 23:46:27.123456
    const std::size_t dot = clock.find('.');
    h.family = Family::apache;
    iso(h.time, num(inside.substr(year_at + 1)), mo, num(inside.substr(8, 2)), clock.substr(0, 8),
        dot == std::string_view::npos ? std::string_view{} : clock.substr(dot + 1));
    std::size_t p = close + 1;
    while (p < l.size() && l[p] == ' ') ++p;
    if (p < l.size() && l[p] == '[') {
        const std::size_t e = l.find(']', p);
        std::string_view lv = l.substr(p + 1, e == std::string_view::npos ? 0 : e - p - 1);
        const std::size_t colon = lv.rfind(':');
        h.level = colon == std::string_view::npos ? lv : lv.substr(colon + 1);
        p = e == std::string_view::npos ? l.size() : e + 1;
    }
    // [pid ...] and [client ...] groups stay in the message: the client is read from it.
    while (p < l.size() && l[p] == ' ') ++p;
    h.message = p;
    return true;
}

bool tomcat(std::string_view l, Header& h) {
    if (!(l.size() > 25 && digits(l, 0, 2) && l[2] == '-' && l[6] == '-' && digits(l, 7, 4) && l[11] == ' ' &&
          l[14] == ':' && month(l.substr(3, 3)) != 0))
        return false;
    const std::size_t sp = l.find(' ', 12);
    if (sp == std::string_view::npos) return false;
    const std::string_view clock = l.substr(12, sp - 12);
    const std::size_t dot = clock.find('.');
    h.family = Family::tomcat;
    iso(h.time, num(l.substr(7, 4)), month(l.substr(3, 3)), num(l.substr(0, 2)), clock.substr(0, 8),
        dot == std::string_view::npos ? std::string_view{} : clock.substr(dot + 1));
    const std::size_t lv_end = l.find(' ', sp + 1);
    h.level = l.substr(sp + 1, lv_end == std::string_view::npos ? std::string_view::npos : lv_end - sp - 1);
    std::size_t p = lv_end == std::string_view::npos ? l.size() : lv_end + 1;
    if (p < l.size() && l[p] == '[') {  // [thread]
        const std::size_t e = l.find("] ", p);
        p = e == std::string_view::npos ? p : e + 2;
    }
    h.message = p;
    return true;
}

// PHP error_log ("[... UTC] PHP Warning:  ...") and the PHP-FPM master's log ("[...] WARNING: ...").
bool php(std::string_view l, Header& h) {
    if (!(l.size() > 24 && l[0] == '[' && digits(l, 1, 2) && l[3] == '-' && l[7] == '-' && digits(l, 8, 4) &&
          l[12] == ' ' && month(l.substr(4, 3)) != 0 && l[15] == ':'))
        return false;
    const std::size_t close = l.find(']');
    if (close == std::string_view::npos || close < 21) return false;
    const std::size_t message = close + 2 <= l.size() ? close + 2 : l.size();
    if (l[21] == ']' || l[21] == '.') {
        // zlog: no zone, microseconds only at log_level = debug; "LEVEL: " follows.
        const std::size_t colon = l.find(": ", message);
        const std::string_view lv = l.substr(message, colon == std::string_view::npos ? 0 : colon - message);
        if (lv.empty() || !upper(lv[0])) return false;
        for (char c : lv)
            if (!upper(c)) return false;
        h.family = Family::php_fpm;
        iso(h.time, num(l.substr(8, 4)), month(l.substr(4, 3)), num(l.substr(1, 2)), l.substr(13, 8),
            l[21] == '.' ? l.substr(22, close - 22) : std::string_view{});
        h.level = lv;
        h.message = colon + 2;
        return true;
    }
    if (l[21] != ' ') return false;
    const std::string_view zone = l.substr(22, close - 22);  // a timezone name: UTC, Europe/Berlin ...
    h.family = Family::php;
    iso(h.time, num(l.substr(8, 4)), month(l.substr(4, 3)), num(l.substr(1, 2)), l.substr(13, 8), {},
        zone == "UTC" ? "Z" : "");
    h.message = message;
    h.level = php_level(l.substr(message));
    return true;
}

bool gunicorn(std::string_view l, Header& h) {
    if (!(l.size() > 30 && l[0] == '[' && digits(l, 1, 4) && l[5] == '-' && l[11] == ' ' && l[14] == ':' && l[20] == ' '))
        return false;
    const std::size_t close = l.find(']');
    if (close == std::string_view::npos) return false;
    const std::string_view zone = l.substr(21, close - 21);  // +0000
    h.family = Family::python;
    h.time.assign(l.substr(1, 19));
    if (zone.size() == 5) h.time.append(zone.substr(0, 3)).append(":").append(zone.substr(3));
    std::size_t p = close + 1;
    for (int group = 0; group < 2 && p < l.size(); ++group) {  // [pid] [LEVEL]
        while (p < l.size() && l[p] == ' ') ++p;
        if (p >= l.size() || l[p] != '[') break;
        const std::size_t e = l.find(']', p);
        if (e == std::string_view::npos) break;
        if (group == 1) h.level = l.substr(p + 1, e - p - 1);
        p = e + 1;
    }
    while (p < l.size() && l[p] == ' ') ++p;
    h.message = p;
    return true;
}

// "2026-11-23 23:46:27,123 ..." with a level word among the first fields: log4j/logback when a [thread]
// group or a dotted logger followed by " - " names a Java layout, else Python logging.
bool timestamped(std::string_view l, Header& h) {
    if (!(l.size() > 24 && digits(l, 0, 4) && l[4] == '-' && l[7] == '-' && l[10] == ' ' && l[13] == ':' &&
          (l[19] == ',' || l[19] == '.') && digits(l, 20, 3)))
        return false;
    std::size_t p = 23;
    while (p < l.size() && digit(l[p])) ++p;  // more fraction digits
    bool thread = false, dotted_logger = false;
    std::string_view level;
    std::size_t after_level = 0;
    for (int field = 0; field < 5 && p < l.size(); ++field) {
        while (p < l.size() && (l[p] == ' ' || l[p] == '-')) ++p;
        if (p >= l.size()) break;
        std::size_t e;
        std::string_view word;
        if (l[p] == '[') {
            e = l.find(']', p);
            if (e == std::string_view::npos) return false;
            word = l.substr(p + 1, e - p - 1);
            ++e;
            if (!level_word(word)) thread = true;
        } else {
            e = l.find_first_of(" :", p);
            if (e == std::string_view::npos) e = l.size();
            word = l.substr(p, e - p);
            if (!level.empty() && word.find('.') != std::string_view::npos && l.substr(e).starts_with(" - "))
                dotted_logger = true;
        }
        if (level.empty() && level_word(word)) {
            level = word;
            after_level = e;
        }
        p = e;
        if (!level.empty() && (thread || dotted_logger)) break;
    }
    if (level.empty()) return false;
    h.time.assign(l.substr(0, 19));
    h.time.append(".").append(l.substr(20, 3));
    h.level = level;
    const std::size_t dash = l.find(" - ", after_level);
    const bool java = (thread && dash != std::string_view::npos) || dotted_logger;
    h.family = java ? Family::log4j : Family::python;
    std::size_t m = java ? dash + 3 : after_level;
    while (m < l.size() && (l[m] == ' ' || l[m] == ':' || l[m] == ']')) ++m;
    h.message = std::min(m, l.size());
    return true;
}

// Python's basicConfig format "%(levelname)s:%(name)s:%(message)s".
bool python_basic(std::string_view l, Header& h) {
    const std::size_t c1 = l.find(':');
    if (c1 == std::string_view::npos || c1 < 4 || c1 > 8) return false;
    const std::string_view level = l.substr(0, c1);
    if (!level_word(level) || level == "SEVERE" || level == "NOTICE" || level == "TRACE") return false;
    const std::size_t c2 = l.find(':', c1 + 1);
    if (c2 == std::string_view::npos || c2 == c1 + 1) return false;
    for (std::size_t i = c1 + 1; i < c2; ++i)
        if (l[i] == ' ' || l[i] == '\t') return false;  // a logger name is one word
    h.family = Family::python;
    h.time.clear();
    h.level = level;
    h.message = c2 + 1;
    return true;
}

// java.util.logging.SimpleFormatter's default: "Nov 23, 2026 11:46:27 PM org.apache.catalina... method"; the
// level opens the next line.
bool tomcat_simple(std::string_view l, Header& h) {
    if (!(l.size() > 22 && upper(l[0]) && lower(l[1]) && l[3] == ' ' && month(l.substr(0, 3)) != 0)) return false;
    const std::size_t comma = l.find(", ");
    if (comma == std::string_view::npos || comma > 6 || !digits(l, comma + 2, 4)) return false;
    const std::size_t t = comma + 7;
    const std::size_t sp = l.find(' ', t);
    if (sp == std::string_view::npos || sp + 3 > l.size()) return false;
    const std::string_view clock = l.substr(t, sp - t);  // 11:46:27
    if (clock.size() < 7 || clock[clock.size() - 3] != ':') return false;
    const std::string_view half = l.substr(sp + 1, 2);
    if (half != "AM" && half != "PM") return false;
    int hour = num(clock);
    if (half == "PM" && hour < 12) hour += 12;
    if (half == "AM" && hour == 12) hour = 0;
    char hms[16];
    std::snprintf(hms, sizeof hms, "%02d%s", hour, std::string(clock.substr(clock.find(':'))).c_str());
    h.family = Family::tomcat_simple;
    iso(h.time, num(l.substr(comma + 2, 4)), month(l.substr(0, 3)), num(l.substr(4, comma - 4)), hms);
    h.level = {};
    h.message = l.size();
    return true;
}

}  // namespace

bool header(std::string_view l, Header& h) {
    if (l.empty()) return false;
    const char c = l[0];
    if (digit(c))
        return nginx(l, h) || tomcat(l, h) || timestamped(l, h);
    if (c == '[') return apache(l, h) || php(l, h) || gunicorn(l, h);
    if (upper(c)) return python_basic(l, h) || tomcat_simple(l, h);
    return false;
}

bool traceback_start(std::string_view line) noexcept { return line.starts_with("Traceback (most recent call last):"); }

bool traceback_chain(std::string_view line) noexcept {
    return line.starts_with("During handling of the above exception") ||
           line.starts_with("The above exception was the direct cause");
}

}  // namespace logcodes::errorlog
