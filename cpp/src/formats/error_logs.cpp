#include "logcodes/formats/error_logs.hpp"

#include <cctype>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "logcodes/fields.hpp"
#include "logcodes/formats/access_log.hpp"
#include "logcodes/formats/format.hpp"

namespace logcodes {

namespace {

constexpr std::size_t kMaxEventBytes = 16 * 1024;  // a stack trace beyond this is cut (its head says why)

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

enum class Family : unsigned char { none, nginx, apache, tomcat, tomcat_old, php, python };

struct Header {
    Family family = Family::none;
    std::string time;         // ISO 8601 ("2026-11-23 23:46:27[.fff][+hh:mm|Z]")
    std::string_view level;
    std::size_t message = 0;  // where the message starts in the line
};

void iso(std::string& out, int y, int mo, int d, std::string_view hms, std::string_view frac = {}, std::string_view zone = {}) {
    // "YYYY-MM-DD " written by hand: this runs once per event of logs of many megabytes.
    char buf[11] = {static_cast<char>('0' + y / 1000 % 10), static_cast<char>('0' + y / 100 % 10),
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

// Recognises the first line of an event; false for continuation lines.
bool header(std::string_view l, Header& h) {
    // nginx: 2026/11/23 23:46:27 [error] 123#123: *5 message
    if (l.size() > 22 && digits(l, 0, 4) && l[4] == '/' && l[7] == '/' && l[10] == ' ' && l[13] == ':' && l[19] == ' ' &&
        l[20] == '[') {
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
    // Apache: [Sat Nov 23 23:46:27.123456 2026] [proxy:error] [pid 1:tid 2] ... (2.4) or [..2026] [error] (2.2)
    if (l.size() > 26 && l[0] == '[' && upper(l[1]) && l[4] == ' ' && upper(l[5]) && l[8] == ' ') {
        const std::size_t close = l.find(']');
        if (close == std::string_view::npos || close < 25) return false;
        const std::string_view inside = l.substr(1, close - 1);  // Sat Nov 23 23:46:27.123456 2026
        const int mo = month(inside.substr(4, 3));
        const std::size_t year_at = inside.rfind(' ');
        if (mo == 0 || year_at == std::string_view::npos || !digits(inside, year_at + 1, 4)) return false;
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
    // Tomcat OneLineFormatter: 23-Nov-2026 23:46:27.123 SEVERE [thread] class.method message
    if (l.size() > 25 && digits(l, 0, 2) && l[2] == '-' && l[6] == '-' && digits(l, 7, 4) && l[11] == ' ' &&
        l[14] == ':' && month(l.substr(3, 3)) != 0) {
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
    // PHP: [23-Nov-2026 23:46:27 UTC] PHP Fatal error:  ...
    if (l.size() > 24 && l[0] == '[' && digits(l, 1, 2) && l[3] == '-' && l[7] == '-' && digits(l, 8, 4) && l[12] == ' ') {
        const std::size_t close = l.find(']');
        if (close == std::string_view::npos) return false;
        const std::string_view zone = l.substr(21, close > 21 ? close - 21 : 0);
        h.family = Family::php;
        iso(h.time, num(l.substr(8, 4)), month(l.substr(4, 3)), num(l.substr(1, 2)), l.substr(13, 8), {},
            zone == " UTC" ? "Z" : "");
        h.message = close + 2 <= l.size() ? close + 2 : l.size();
        const std::size_t err = l.find(" error:", h.message);
        h.level = err != std::string_view::npos ? std::string_view("error") : std::string_view("warning");
        return true;
    }
    // gunicorn: [2026-11-23 23:46:27 +0000] [123] [ERROR] message
    if (l.size() > 30 && l[0] == '[' && digits(l, 1, 4) && l[5] == '-' && l[11] == ' ' && l[14] == ':' && l[20] == ' ') {
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
    // Python logging: 2026-11-23 23:46:27,123 ERROR name: message   (also with " - " separators)
    if (l.size() > 24 && digits(l, 0, 4) && l[4] == '-' && l[7] == '-' && l[10] == ' ' && l[13] == ':' &&
        (l[19] == ',' || l[19] == '.') && digits(l, 20, 3)) {
        h.family = Family::python;
        h.time.assign(l.substr(0, 19));
        h.time.append(".").append(l.substr(20, 3));
        std::size_t p = 23;
        while (p < l.size() && (l[p] == ' ' || l[p] == '-' || l[p] == '[')) ++p;
        const std::size_t e = l.find_first_of(" ]:", p);
        h.level = l.substr(p, e == std::string_view::npos ? std::string_view::npos : e - p);
        h.message = e == std::string_view::npos ? l.size() : e + 1;
        return true;
    }
    // Tomcat's older two-line layout: "Nov 23, 2026 11:46:27 PM org.apache.catalina... method"
    if (l.size() > 22 && upper(l[0]) && lower(l[1]) && l[3] == ' ' && month(l.substr(0, 3)) != 0) {
        const std::size_t comma = l.find(", ");
        if (comma == std::string_view::npos || comma > 6 || !digits(l, comma + 2, 4)) return false;
        const std::size_t t = comma + 7;
        const std::size_t sp = l.find(' ', t);
        if (sp == std::string_view::npos || sp + 3 > l.size()) return false;
        const std::string_view clock = l.substr(t, sp - t);  // 11:46:27
        if (clock.size() < 7 || clock[clock.size() - 3] != ':') return false;
        int hour = num(clock);
        const bool pm = l.substr(sp + 1, 2) == "PM";
        if (pm && hour < 12) hour += 12;
        if (!pm && hour == 12) hour = 0;
        char hms[16];
        std::snprintf(hms, sizeof hms, "%02d%s", hour, std::string(clock.substr(clock.find(':'))).c_str());
        h.family = Family::tomcat_old;
        iso(h.time, num(l.substr(comma + 2, 4)), month(l.substr(0, 3)), num(l.substr(4, comma - 4)), hms);
        h.level = {};
        h.message = l.size();
        return true;
    }
    return false;
}

std::string_view between(std::string_view s, std::string_view open, std::string_view close) {
    const std::size_t b = s.find(open);
    if (b == std::string_view::npos) return {};
    const std::size_t e = s.find(close, b + open.size());
    if (e == std::string_view::npos) return {};
    return s.substr(b + open.size(), e - b - open.size());
}

// Jasper's translation errors name the page they translate: "JasperException: /a.jsp (line: [3], column: [1]) ..."
// (DefaultErrorHandler.jspError); a file named later in the message (a missing include) is not the page.
std::string_view translated_page(std::string_view text) {
    const std::string_view page = between(text, "JasperException: ", " (line: ");
    if (page.empty() || page.front() != '/' || page.find_first_of(" \t\n") != std::string_view::npos) return {};
    return page;
}

// "java.lang.NullPointerException: x" / "NullPointerException" at the start of a line -> the class name.
std::string_view exception_at(std::string_view line) {
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    std::size_t e = 0;
    while (e < line.size() && (std::isalnum(static_cast<unsigned char>(line[e])) || line[e] == '.' || line[e] == '$' ||
                               line[e] == '_'))
        ++e;
    const std::string_view name = line.substr(0, e);
    if (e == 0 || (e < line.size() && line[e] != ':')) return {};
    if (name.ends_with("Exception") || name.ends_with("Error") || name.ends_with("Throwable") || name.ends_with("Exit") ||
        name.ends_with("Interrupt"))
        return name;
    return {};
}

// Jasper names a page's class org.apache.jsp.<dirs>.<name>_jsp, writing '_' as _005f, '-' as _002d ...
std::string_view jsp_of_class(std::string_view text, std::string& out) {
    const std::size_t at = text.find("org.apache.jsp.");
    if (at == std::string_view::npos) return {};
    std::size_t e = at + 15;
    while (e < text.size() && (std::isalnum(static_cast<unsigned char>(text[e])) || text[e] == '_' || text[e] == '.' ||
                               text[e] == '$'))
        ++e;
    std::string_view cls = text.substr(at + 15, e - at - 15);
    const std::size_t jsp = cls.find("_jsp");
    if (jsp == std::string_view::npos) return {};
    cls = cls.substr(0, jsp);
    out.assign("/");
    for (std::size_t i = 0; i < cls.size(); ++i) {
        if (cls[i] == '.') {
            out.push_back('/');
        } else if (cls[i] == '_' && i + 4 < cls.size() && cls[i + 1] == '0' && cls[i + 2] == '0' &&
                   std::isxdigit(static_cast<unsigned char>(cls[i + 3])) && std::isxdigit(static_cast<unsigned char>(cls[i + 4]))) {
            out.push_back(static_cast<char>(std::stoi(std::string(cls.substr(i + 3, 2)), nullptr, 16)));
            i += 4;
        } else {
            out.push_back(cls[i]);
        }
    }
    out.append(".jsp");
    return out;
}

// The text of one event and what its header said.
struct Event {
    bool open = false;
    Family family = Family::none;
    std::string text, time, level, detail, jsp, path;
    std::size_t message_at = 0;
};

class ErrorLogParser final : public Parser {
public:
    ParseResult parse(std::string_view line, Record& out) override {
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        Header h;
        if (header(line, h)) {
            // A new event ends the open one: hand that one over (from the other buffer) and start this one.
            const bool emitted = cur_.open;
            std::swap(cur_, done_);
            begin(line, h);
            if (emitted) emit(out);
            return emitted ? ParseResult::record : ParseResult::part;
        }
        if (!cur_.open) {
            if (line.starts_with("Traceback (most recent call last):")) {  // a bare traceback starts an event
                Header bare;
                bare.family = Family::python;
                bare.level = "ERROR";
                begin(line, bare);
                return ParseResult::part;
            }
            return ParseResult::unparsed;
        }
        if (cur_.text.size() < kMaxEventBytes) {
            cur_.text.push_back('\n');
            cur_.text.append(line.substr(0, kMaxEventBytes - cur_.text.size()));
        }
        if (cur_.family == Family::tomcat_old && cur_.level.empty()) {  // "SEVERE: message"
            const std::size_t colon = line.find(": ");
            if (colon != std::string_view::npos && colon < 10) cur_.level.assign(line.substr(0, colon));
        }
        return ParseResult::part;
    }

    bool flush(Record& out) override {
        if (!cur_.open) return false;
        std::swap(cur_, done_);
        cur_.open = false;
        emit(out);
        return true;
    }
    bool in_record() const noexcept override { return cur_.open; }

private:
    void begin(std::string_view line, const Header& h) {
        cur_.open = true;
        cur_.family = h.family;
        cur_.time = h.time;
        cur_.level.assign(h.level);
        cur_.message_at = h.message;
        cur_.text.assign(line.substr(0, kMaxEventBytes));
    }

    void emit(Record& out) {
        Event& e = done_;
        e.open = false;
        out.clear();
        out.kind = RecordKind::event;
        out.event_text = e.text;
        out.level = e.level;
        if (!e.time.empty()) {
            out.time = e.time;
            out.time_syntax = TimeSyntax::iso8601;
        }
        const std::string_view text = e.text;
        const std::string_view first = text.substr(0, text.find('\n'));
        const std::string_view message = first.substr(std::min(e.message_at, first.size()));
        // What an event names depends on who wrote it: nginx and Apache name the request in their own words;
        // Java, PHP and Python logs name pages, contexts and exceptions (and their layouts overlap).
        std::string_view jsp;
        if (e.family == Family::nginx) {
            if (const std::string_view req = between(message, "request: \"", "\""); !req.empty()) split_request(req, out);
            if (const std::string_view up = between(message, "upstream: \"", "\""); !up.empty()) out.upstream = up;
            if (const std::string_view c = between(message, "client: ", ","); !c.empty()) out.client = c;
            if (const std::string_view host = between(message, "host: \"", "\""); !host.empty()) out.host = host;
            if (const std::string_view id = between(message, "request_id: \"", "\""); !id.empty()) out.request_id = id;
        } else if (e.family == Family::apache) {
            if (const std::string_view c = between(message, "[client ", "]"); !c.empty()) out.client = c;
            // mod_proxy: "Error reading from remote server returned by /path".
            if (const std::string_view by = after(text, "returned by "); !by.empty() && by.front() == '/') out.target = by;
        } else {
            named_in_text(e, text, out, jsp);
        }
        out.detail = detail(e, jsp, out.upstream);
    }

    // Java (Tomcat, log4j), PHP and Python events: the JSP page, the Tomcat context and the request path.
    void named_in_text(Event& e, std::string_view text, Record& out, std::string_view& jsp) {
        if (const std::string_view id = between(text, "request_id: \"", "\""); !id.empty()) out.request_id = id;
        // JSP pages (Jasper): "in the jsp file: [/x.jsp]", "processing [/x.jsp]", "JasperException: /x.jsp (line: ",
        // "JSP file [/x.jsp]".
        jsp = between(text, "in the jsp file: [", "]");
        if (jsp.empty()) jsp = between(text, "processing [", "]");
        if (jsp.empty()) jsp = translated_page(text);
        if (jsp.empty()) jsp = between(text, "JSP file [", "]");
        if (jsp.empty()) jsp = jsp_of_class(text, e.jsp);  // "org.apache.jsp.broken_jsp" -> "/broken.jsp"
        // Tomcat names the web application apart ("in context with path [/shop]", "[]" for ROOT) and the JSP
        // within it: the request's path is the two together.
        constexpr std::string_view kContext = "in context with path [";
        if (const std::size_t c = text.find(kContext); c != std::string_view::npos) {
            const std::size_t from = c + kContext.size(), to = text.find(']', from);
            if (to != std::string_view::npos && to - from < 512) {
                const std::string_view context = text.substr(from, to - from);
                out.add_extra(context_field_, context);
                if (!jsp.empty() && jsp.front() == '/' && !context.empty()) {
                    e.path.assign(context).append(jsp);
                    jsp = e.path;
                }
            }
        }
        if (!jsp.empty()) {
            out.path_only = jsp;
            return;
        }
        // Python web servers: "Error handling request /path", Django: "Internal Server Error: /path".
        for (std::string_view key : {std::string_view("Error handling request "), std::string_view("Internal Server Error: ")})
            if (const std::string_view p = after(text, key); !p.empty()) {
                if (p.front() == '/') out.target = p;
                break;
            }
    }

    // The word after `key` in `text` (up to a space or the line's end); empty when `key` is not there.
    static std::string_view after(std::string_view text, std::string_view key) {
        const std::size_t at = text.find(key);
        if (at == std::string_view::npos) return {};
        const std::string_view p = text.substr(at + key.size());
        return p.substr(0, std::min(p.find(' '), p.find('\n')));
    }

    // What most precisely says what broke: a JSP file, the root exception, the PHP file, the upstream.
    std::string_view detail(Event& e, std::string_view jsp, std::string_view upstream) {
        const std::string_view text = e.text;
        // Java: the root cause is the last "Caused by:", or the line after "with root cause".
        std::string_view root;
        const bool web_server = e.family == Family::nginx || e.family == Family::apache;
        for (std::size_t p = web_server ? std::string_view::npos : text.find("Caused by: "); p != std::string_view::npos; p = text.find("Caused by: ", p + 1))
            root = exception_at(text.substr(p + 11, text.find('\n', p) - p - 11));
        if (const std::size_t wr = web_server ? std::string_view::npos : text.find("with root cause\n");
            wr != std::string_view::npos) {
            const std::string_view next = text.substr(wr + 16, text.find('\n', wr + 16) - wr - 16);
            if (!exception_at(next).empty()) root = exception_at(next);
        }
        if (root.empty() && !web_server) {
            // The first exception line (Java), or the last one (a Python traceback ends with what was raised).
            std::size_t p = 0;
            while (p < text.size()) {
                const std::size_t end = text.find('\n', p);
                const std::string_view line = text.substr(p, end == std::string_view::npos ? std::string_view::npos : end - p);
                if (const std::string_view x = exception_at(line); !x.empty()) {
                    root = x;
                    if (e.family != Family::python) break;
                }
                if (end == std::string_view::npos) break;
                p = end + 1;
            }
        }
        if (!jsp.empty()) {
            e.detail.assign(jsp);
            if (!root.empty()) e.detail.append(" ").append(root);
            return e.detail;
        }
        if (!root.empty()) return root;
        if (const std::string_view php = between(text, " in /", " on line "); !php.empty()) {
            e.detail.assign("/").append(php);
            return e.detail;
        }
        return upstream;
    }

    Event cur_, done_;
    FieldId context_field_ = intern_field("context_path");
};

class ErrorLogFormat final : public Format {
public:
    std::string_view name() const noexcept override { return "error_log"; }
    std::string_view description() const noexcept override {
        return "server error logs: nginx error.log, Apache error_log, Tomcat catalina/localhost, PHP, Python";
    }
    std::unique_ptr<Parser> make_parser() const override { return std::make_unique<ErrorLogParser>(); }
    bool strict(std::string_view, const Record& r) const noexcept override { return r.kind == RecordKind::event; }
    bool splittable() const noexcept override { return false; }
};

const ErrorLogFormat kErrorLog;
// Not among the auto-detected formats: error logs are given as such (scan(errors=...), format="error_log").
const BuiltinFormat kErrorLogs[] = {{"error_log", &kErrorLog, 900, false}};

}  // namespace

std::span<const BuiltinFormat> error_log_formats() { return kErrorLogs; }

}  // namespace logcodes
