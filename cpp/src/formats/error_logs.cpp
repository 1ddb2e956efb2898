#include "logcodes/formats/error_logs.hpp"

#include "error_log_header.hpp"

#include <cctype>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "logcodes/fields.hpp"
#include "logcodes/find.hpp"
#include "logcodes/formats/access_log.hpp"
#include "logcodes/formats/format.hpp"

namespace logcodes {

namespace {

using errorlog::bit;
using errorlog::Family;
using errorlog::Header;
using errorlog::header;
using errorlog::traceback_chain;
using errorlog::traceback_start;

constexpr std::size_t kMaxEventBytes = 16 * 1024;  // a stack trace beyond this is cut (its head says why)

std::string_view between(std::string_view s, std::string_view open, std::string_view close) {
    const std::size_t b = find_text(s, open);
    if (b == std::string_view::npos) return {};
    const std::size_t e = find_text(s, close, b + open.size());
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
    const std::size_t at = find_text(text, "org.apache.jsp.");
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
    bool traceback = false;   // a Python traceback has begun in it
    bool chained = false;     // ... and announced the next one ("During handling of the above exception")
    std::string text, time, level, detail, jsp, path;
    std::size_t message_at = 0;
};

class ErrorLogParser final : public Parser {
public:
    explicit ErrorLogParser(std::uint16_t families) : families_(families) {}

    ParseResult parse(std::string_view line, Record& out) override {
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        Header& h = header_;  // a member: its time text keeps its buffer from line to line
        h.family = Family::none;
        h.level = {};
        h.message = 0;
        if (header(line, h)) {
            // Another layout's header is not this kind's: not part of the open event either.
            if (!(families_ & bit(h.family))) return ParseResult::unparsed;
            return start(line, h, out);
        }
        if (traceback_start(line) && (families_ & bit(Family::python)) &&
            (!cur_.open || (cur_.traceback && !cur_.chained))) {
            // A bare traceback starts an event, unless it is the one the open record logged
            // (logging.exception) or the next link of a chain ("During handling of the above exception").
            Header bare;
            bare.family = Family::python;
            bare.level = "ERROR";
            return start(line, bare, out);
        }
        if (!cur_.open) return ParseResult::unparsed;
        if (cur_.text.size() < kMaxEventBytes) {
            cur_.text.push_back('\n');
            cur_.text.append(line.substr(0, kMaxEventBytes - cur_.text.size()));
        }
        if (cur_.family == Family::tomcat_simple && cur_.level.empty()) {  // "SEVERE: message"
            const std::size_t colon = line.find(": ");
            if (colon != std::string_view::npos && colon < 10) cur_.level.assign(line.substr(0, colon));
        }
        if (traceback_start(line)) {
            cur_.traceback = true;
            cur_.chained = false;  // the next link of the chain has begun
        } else if (traceback_chain(line)) {
            cur_.chained = true;
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
    void name_events_on_demand(bool on) noexcept override { on_demand_ = on; }
    void name_event(Record& out) override {
        if (on_demand_ && out.kind == RecordKind::event && out.event_text.data() == done_.text.data()) name(out);
    }

private:
    // A new event ends the open one: hand that one over (from the other buffer) and start this one.
    ParseResult start(std::string_view line, const Header& h, Record& out) {
        const bool emitted = cur_.open;
        std::swap(cur_, done_);
        begin(line, h);
        if (emitted) emit(out);
        return emitted ? ParseResult::record : ParseResult::part;
    }

    void begin(std::string_view line, const Header& h) {
        cur_.open = true;
        cur_.traceback = traceback_start(line);
        cur_.chained = false;
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
        if (!on_demand_) name(out);
    }

    // What the event just handed over names: request, client, writer, host, upstream, page, context, detail.
    void name(Record& out) {
        Event& e = done_;
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
            // "123#123: *5": the worker and its connection; one request's lines (retries ...) share it.
            if (const std::size_t lb = find_text(first, "] "); lb != std::string_view::npos && e.message_at > lb + 3)
                out.add_extra(conn_field_, first.substr(lb + 2, e.message_at - lb - 3));
        } else if (e.family == Family::apache) {
            if (const std::string_view c = between(message, "[client ", "]"); !c.empty()) out.client = c;
            // "pid 1:tid 2": the thread serving the request; one request's lines (AH00957 then AH01114) share it.
            if (const std::string_view t = between(message, "[pid ", "]"); !t.empty()) out.add_extra(conn_field_, t);
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
        if (const std::size_t c = find_text(text, kContext); c != std::string_view::npos) {
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
        const std::size_t at = find_text(text, key);
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
        for (std::size_t p = web_server ? std::string_view::npos : find_text(text, "Caused by: "); p != std::string_view::npos; p = find_text(text, "Caused by: ", p + 1))
            root = exception_at(text.substr(p + 11, text.find('\n', p) - p - 11));
        if (const std::size_t wr = web_server ? std::string_view::npos : find_text(text, "with root cause\n");
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

    std::uint16_t families_;  // the layouts whose headers start events
    bool on_demand_ = false;  // emit() leaves the names to name_event()
    Header header_;
    Event cur_, done_;
    FieldId context_field_ = intern_field("context_path");
    FieldId conn_field_ = intern_field("conn");   // nginx worker + connection, Apache process + thread
};

// One kind of error log: the layouts (families) whose headers start its events.
class ErrorLogFormat final : public Format {
public:
    constexpr ErrorLogFormat(std::string_view name, std::string_view description, std::uint16_t families)
        : name_(name), description_(description), families_(families) {}
    std::string_view name() const noexcept override { return name_; }
    std::string_view description() const noexcept override { return description_; }
    std::unique_ptr<Parser> make_parser() const override { return std::make_unique<ErrorLogParser>(families_); }
    bool strict(std::string_view, const Record& r) const noexcept override { return r.kind == RecordKind::event; }
    bool splittable() const noexcept override { return false; }
    bool events() const noexcept override { return true; }
    std::uint16_t families() const noexcept { return families_; }

private:
    std::string_view name_, description_;
    std::uint16_t families_;
};

constexpr std::uint16_t kJava = bit(Family::tomcat) | bit(Family::tomcat_simple) | bit(Family::log4j);
constexpr std::uint16_t kAll = kJava | bit(Family::nginx) | bit(Family::apache) | bit(Family::php) |
                               bit(Family::php_fpm) | bit(Family::python);

const ErrorLogFormat kErrorLog("error_log",
                               "server error logs of any kind below, mixed: nginx, Apache, Tomcat, log4j, PHP, Python",
                               kAll);
const ErrorLogFormat kNginx("nginx_error", "nginx error.log: 2026/12/05 10:00:01 [error] 123#123: *5 ...",
                            bit(Family::nginx));
const ErrorLogFormat kApache("apache_error",
                             "Apache error_log, 2.4 ([Thu Dec 05 10:00:01.123456 2026] [proxy:error] [pid 1:tid 2] ...) "
                             "and 2.2 ([Thu Dec 05 10:00:01 2026] [error] [client 1.2.3.4] ...)",
                             bit(Family::apache));
const ErrorLogFormat kTomcat("tomcat_juli",
                             "Tomcat catalina/localhost logs (JULI OneLineFormatter): 05-Dec-2026 10:00:01.123 SEVERE "
                             "[thread] class.method ...",
                             bit(Family::tomcat));
const ErrorLogFormat kTomcatSimple("tomcat_simple",
                                   "Tomcat logs in java.util.logging's two-line SimpleFormatter layout: Dec 05, 2026 "
                                   "10:00:01 AM class method / SEVERE: ...",
                                   bit(Family::tomcat_simple));
const ErrorLogFormat kLog4j("log4j", "log4j / logback: 2026-12-05 10:00:01,123 ERROR [thread] a.b.C - ...",
                            bit(Family::log4j));
const ErrorLogFormat kCatalinaOut("catalina_out",
                                  "Tomcat's catalina.out: JULI lines mixed with log4j/logback lines, stdout and "
                                  "stack traces",
                                  kJava);
const ErrorLogFormat kPhp("php_error", "PHP error_log: [05-Dec-2026 10:00:01 UTC] PHP Fatal error:  ...",
                          bit(Family::php));
const ErrorLogFormat kPhpFpm("php_fpm", "PHP-FPM log: [05-Dec-2026 10:00:01] WARNING: [pool www] ...",
                            bit(Family::php_fpm));
const ErrorLogFormat kPython("python_log",
                             "Python logging and tracebacks: ERROR:root:..., 2026-12-05 10:00:01,123 ERROR ..., "
                             "gunicorn, Traceback (most recent call last):",
                             bit(Family::python));

// Detected by kind (one layout each, catalina_out after the Java layouts it mixes); error_log, which
// takes every layout at once, is given by name or read through scan(errors=...).
const BuiltinFormat kErrorLogs[] = {
    {"nginx_error", &kNginx, 800, true},        {"apache_error", &kApache, 801, true},
    {"tomcat_juli", &kTomcat, 802, true},       {"tomcat_simple", &kTomcatSimple, 803, true},
    {"log4j", &kLog4j, 804, true},              {"python_log", &kPython, 805, true},
    {"php_error", &kPhp, 806, true},            {"php_fpm", &kPhpFpm, 807, true},
    {"catalina_out", &kCatalinaOut, 810, true}, {"error_log", &kErrorLog, 900, false},
};

}  // namespace

std::span<const BuiltinFormat> error_log_formats() { return kErrorLogs; }

bool error_log_event_start(std::string_view line) {
    // As ErrorLogParser::parse() reads it: a header of any family starts an event and resets what the
    // event before it had open (a traceback, a two-line SimpleFormatter header).
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    Header h;
    return header(line, h);
}

bool error_log_kinds_related(const Format& a, const Format& b) noexcept {
    const auto* x = dynamic_cast<const ErrorLogFormat*>(&a);
    const auto* y = dynamic_cast<const ErrorLogFormat*>(&b);
    if (!x || !y) return false;
    const std::uint16_t both = x->families() & y->families();
    return both == x->families() || both == y->families();
}

}  // namespace logcodes
