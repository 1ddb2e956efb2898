#include <cctype>
#include <cstring>
#include <memory>
#include <string>

#include "logcodes/formats/sip.hpp"
#include "logcodes/time.hpp"

namespace logcodes {

namespace {

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// ASCII case folding inline: the locale-aware tolower() call costs more than the rest of a header.
char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i])) return false;
    return true;
}

std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

// "SIP/2.0 486 Busy Here": code and reason. False for anything else.
bool response_line(std::string_view l, std::string_view& code, std::string_view& reason) noexcept {
    if (l.size() < 11 || !l.starts_with("SIP/2.0 ")) return false;
    if (!is_digit(l[8]) || !is_digit(l[9]) || !is_digit(l[10])) return false;
    if (l.size() > 11 && l[11] != ' ') return false;
    code = l.substr(8, 3);
    reason = l.size() > 12 ? trim(l.substr(12)) : std::string_view{};
    return true;
}

// "INVITE sip:bob@x SIP/2.0": the method. False for anything else.
bool request_line(std::string_view l, std::string_view& method) noexcept {
    if (!l.ends_with(" SIP/2.0")) return false;
    const std::size_t sp = l.find(' ');
    if (sp == 0 || sp == std::string_view::npos || sp + 8 >= l.size()) return false;
    for (std::size_t i = 0; i < sp; ++i) {
        const char c = l[i];
        if (!(std::isupper(static_cast<unsigned char>(c)) || c == '-' || c == '_' || is_digit(c))) return false;
    }
    const std::string_view uri = l.substr(sp + 1, l.size() - 8 - sp - 1);
    if (uri.empty() || uri.find(' ') != std::string_view::npos || uri.find(':') == std::string_view::npos) return false;
    method = l.substr(0, sp);
    return true;
}

// A date and time anywhere in a framing line ("2026-11-23 23:48:42.893185", "2011/07/28 12:54:46.562096"),
// copied into `out` as ISO 8601 text (parsed only if a time is asked for). False when there is none.
bool framing_time(std::string_view l, std::string& out) {
    // Anchor on each ':' (few per line): a date-time's first one sits 13 after the date's start.
    for (std::size_t colon = l.find(':', 13); colon != std::string_view::npos; colon = l.find(':', colon + 1)) {
        const std::size_t i = colon - 13;
        if (i + 19 > l.size() || !is_digit(l[i]) || (l[i + 4] != '-' && l[i + 4] != '/') || l[i + 7] != l[i + 4] ||
            l[i + 10] != ' ' || l[i + 16] != ':')
            continue;
        std::size_t j = i + 19;
        while (j < l.size() && j < i + 32 && (is_digit(l[j]) || l[j] == '.')) ++j;
        out.assign(l.substr(i, j - i));
        out[4] = out[7] = '-';
        return true;
    }
    return false;
}

std::string_view param_value(std::string_view v, std::size_t b) noexcept {
    std::size_t e = b;
    while (e < v.size() && v[e] != ';' && v[e] != ',' && v[e] != ' ' && v[e] != '>') ++e;
    return v.substr(b, e - b);
}

// A parameter of a header value: ";tag=abc" -> "abc". `lower_key` is ";tag=" (the common spelling, found
// with one search); other spellings (";TAG =", "; tag=") fall back to a careful walk.
std::string_view param(std::string_view v, std::string_view name, std::string_view lower_key) noexcept {
    if (const std::size_t k = v.find(lower_key); k != std::string_view::npos) return param_value(v, k + lower_key.size());
    std::size_t p = 0;
    while ((p = v.find(';', p)) != std::string_view::npos) {
        ++p;
        while (p < v.size() && v[p] == ' ') ++p;
        if (v.size() - p > name.size() && v[p + name.size()] == '=' && iequals(v.substr(p, name.size()), name))
            return param_value(v, p + name.size() + 1);
    }
    return {};
}

// Written by the capture reader (pcap_source.cpp) before each message it found.
constexpr std::string_view kCaptureFraming = "#logcodes-pcap ";

// The parser of one trace: copies what a message says into its own storage, so records outlive lines.
class SipTraceParser final : public Parser {
public:
    ParseResult parse(std::string_view line, Record& out) override {
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (state_ != State::idle && !line.empty() && line[0] == '#' && line.starts_with(kCaptureFraming)) {
            // A capture's framing line: whatever message was open is complete (its packet ended).
            emit(out);
            idle_line(line, out);
            return ParseResult::record;
        }
        switch (state_) {
            case State::idle: return idle_line(line, out);
            case State::headers: return header_line(line, out);
            case State::body: return body_line(line, out);
        }
        return ParseResult::unparsed;
    }

    bool flush(Record& out) override {
        if (state_ == State::idle) return false;
        emit(out);
        return true;
    }
    bool in_record() const noexcept override { return state_ != State::idle; }

private:
    enum class State { idle, headers, body };

    ParseResult idle_line(std::string_view line, Record& out) {
        if (start(line)) return ParseResult::part;
        framing_time(line, trace_time_);
        (void)out;
        return ParseResult::meta;
    }

    bool start(std::string_view line) {
        std::string_view code, reason, method;
        if (response_line(line, code, reason)) {
            reset_message();
            kind_ = RecordKind::response;
            status_.assign(code);
            reason_.assign(reason.substr(0, 256));
        } else if (request_line(line, method)) {
            reset_message();
            kind_ = RecordKind::request;
            method_.assign(method);
        } else {
            return false;
        }
        state_ = State::headers;
        return true;
    }

    ParseResult header_line(std::string_view line, Record& out) {
        if (!line.empty() && (line.front() == ' ' || line.front() == '\t') && !trim(line).empty()) {
            // A folded line continues the header before it: only Reason and Warning values are kept whole.
            if (last_ == Last::reason) reason_header_.append(" ").append(trim(line));
            else if (last_ == Last::warning) warning_.append(" ").append(trim(line));
            return ParseResult::part;
        }
        last_ = Last::other;
        if (trim(line).empty()) {
            if (content_length_ > 0) {
                state_ = State::body;
                body_left_ = content_length_;
                return ParseResult::part;
            }
            emit(out);
            return ParseResult::record;
        }
        // Header names are short: a plain loop beats a memchr call here.
        std::size_t colon = 0;
        while (colon < line.size() && line[colon] != ':') ++colon;
        if (colon == line.size() || colon == 0) {
            // No blank line before something that is not a header: the message ended (cut dumps).
            emit(out);
            if (!start(line)) framing_time(line, trace_time_);
            return ParseResult::record;
        }
        header(trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
        return ParseResult::part;
    }

    ParseResult body_line(std::string_view line, Record& out) {
        // Bytes on the wire: CRLF line ends, which dumps often turned into LF — count 2 for a bare line end.
        const std::size_t used = line.size() + 2;
        if (used >= body_left_) {
            emit(out);
            return ParseResult::record;
        }
        body_left_ -= used;
        return ParseResult::part;
    }

    void header(std::string_view name, std::string_view value) {
        // Dispatch on length and first letter first: most headers are none of the ones read here.
        const char first = lower(name.empty() ? ' ' : name[0]);
        switch (name.size()) {
            case 1:
                switch (first) {
                    case 'i': call_id_.assign(value.substr(0, 256)); return;
                    case 'v': via(value); return;
                    case 'f': from_tag_.assign(param(value, "tag", ";tag=").substr(0, 128)); return;
                    case 't': to_tag_.assign(param(value, "tag", ";tag=").substr(0, 128)); return;
                    case 'l': content_length(value); return;
                    default: return;
                }
            case 2:
                if (first == 't' && iequals(name, "To")) to_tag_.assign(param(value, "tag", ";tag=").substr(0, 128));
                return;
            case 3:
                if (first == 'v' && iequals(name, "Via")) via(value);
                return;
            case 4:
                if (first == 'c' && iequals(name, "CSeq")) cseq(value);
                else if (first == 'f' && iequals(name, "From")) from_tag_.assign(param(value, "tag", ";tag=").substr(0, 128));
                return;
            case 6:
                if (first == 'r' && iequals(name, "Reason")) {
                    if (!reason_header_.empty()) reason_header_ += ", ";
                    reason_header_.append(value.substr(0, 512));
                    last_ = Last::reason;
                } else if (first == 's' && iequals(name, "Server")) {
                    agent_.assign(value.substr(0, 256));
                }
                return;
            case 7:
                if (first == 'c' && iequals(name, "Call-ID")) call_id_.assign(value.substr(0, 256));
                else if (first == 'w' && iequals(name, "Warning") && warning_.empty()) {
                    warning_.assign(value.substr(0, 512));
                    last_ = Last::warning;
                }
                return;
            case 10:
                if (first == 'u' && iequals(name, "User-Agent")) agent_.assign(value.substr(0, 256));
                return;
            case 14:
                if (first == 'c' && iequals(name, "Content-Length")) content_length(value);
                return;
            default: return;
        }
    }

    void via(std::string_view value) {
        if (have_via_) return;  // the top Via only
        have_via_ = true;
        branch_.assign(param(value, "branch", ";branch=").substr(0, 128));
    }

    void cseq(std::string_view value) {
        std::size_t i = 0;
        std::uint32_t n = 0;
        while (i < value.size() && is_digit(value[i])) n = n * 10 + static_cast<std::uint32_t>(value[i++] - '0');
        cseq_ = n;
        cseq_method_.assign(trim(value.substr(i)).substr(0, 32));
    }

    void content_length(std::string_view value) {
        std::size_t n = 0;
        for (char c : value) {
            if (!is_digit(c)) break;
            n = n * 10 + static_cast<std::size_t>(c - '0');
            if (n > (64u << 20)) break;
        }
        content_length_ = n;
    }

    void reset_message() {
        last_ = Last::other;
        status_.clear();
        reason_.clear();
        method_.clear();
        call_id_.clear();
        cseq_method_.clear();
        branch_.clear();
        from_tag_.clear();
        to_tag_.clear();
        reason_header_.clear();
        warning_.clear();
        agent_.clear();
        cseq_ = 0;
        content_length_ = 0;
        have_via_ = false;
        message_time_ = trace_time_;
    }

    // The emitted record points into emitted_, not into the message being read: a line that ends one
    // message may start the next (no blank line between them), and must not overwrite the record handed out.
    void emit(Record& out) {
        state_ = State::idle;
        Message& m = emitted_;
        std::swap(m.status, status_);
        std::swap(m.reason, reason_);
        std::swap(m.method, method_);
        std::swap(m.call_id, call_id_);
        std::swap(m.cseq_method, cseq_method_);
        std::swap(m.branch, branch_);
        std::swap(m.from_tag, from_tag_);
        std::swap(m.to_tag, to_tag_);
        std::swap(m.reason_header, reason_header_);
        std::swap(m.warning, warning_);
        std::swap(m.agent, agent_);
        std::swap(m.time, message_time_);
        out.clear();
        out.protocol = Protocol::sip;
        out.kind = kind_;
        out.status = m.status;
        out.reason = m.reason;
        out.method = kind_ == RecordKind::request ? std::string_view(m.method) : std::string_view(m.cseq_method);
        out.sip.call_id = m.call_id;
        out.sip.cseq = cseq_;
        out.sip.cseq_method = kind_ == RecordKind::request && m.cseq_method.empty() ? std::string_view(m.method)
                                                                                    : std::string_view(m.cseq_method);
        out.sip.branch = m.branch;
        out.sip.from_tag = m.from_tag;
        out.sip.to_tag = m.to_tag;
        out.sip.reason_header = m.reason_header;
        out.sip.warning = m.warning;
        out.sip.agent = m.agent;
        if (!m.time.empty()) {
            out.time = m.time;
            out.time_syntax = TimeSyntax::iso8601;
        }
    }

    struct Message {
        std::string status, reason, method, call_id, cseq_method, branch, from_tag, to_tag, reason_header, warning,
            agent, time;
    };
    Message emitted_;

    State state_ = State::idle;
    RecordKind kind_ = RecordKind::response;
    std::string status_, reason_, method_, call_id_, cseq_method_, branch_, from_tag_, to_tag_, reason_header_,
        warning_, agent_, time_text_;
    enum class Last { other, reason, warning } last_ = Last::other;  // the header a folded line continues
    std::uint32_t cseq_ = 0;
    std::size_t content_length_ = 0;
    std::size_t body_left_ = 0;
    bool have_via_ = false;
    std::string trace_time_;     // the last framing line's date-time (ISO 8601 text)
    std::string message_time_;   // the one in force when the current message started
};

class SipTraceFormat final : public Format {
public:
    std::string_view name() const noexcept override { return "sip_trace"; }
    std::string_view description() const noexcept override {
        return "SIP messages in a text trace: SIPp -trace_msg, ngrep/sngrep/tshark dumps, siptrace output";
    }
    std::unique_ptr<Parser> make_parser() const override { return std::make_unique<SipTraceParser>(); }
    bool strict(std::string_view, const Record& r) const noexcept override {
        return r.kind == RecordKind::request || r.status.size() == 3;
    }
    bool splittable() const noexcept override { return false; }  // a message spans lines
    std::vector<std::string> field_names() const override { return {}; }
};

// Kamailio/OpenSIPS acc module: "... ACC: transaction answered: timestamp=...;method=INVITE;...;code=486;
// reason=Busy Here;..." — one transaction's final reply per line. The proxy's other log lines are meta.
class AccParser;
class AccFormat final : public Format {
public:
    std::unique_ptr<Parser> make_parser() const override;
    std::string_view name() const noexcept override { return "sip_acc"; }
    std::string_view description() const noexcept override {
        return "Kamailio / OpenSIPS acc module log lines (method=...;code=...;reason=...)";
    }
    bool parse(std::string_view line, Record& out) const noexcept override {
        const std::size_t acc = line.find("ACC: ");
        if (acc == std::string_view::npos) return false;
        std::string_view rest = line.substr(acc + 5);
        const std::size_t colon = rest.find(": ");
        if (colon == std::string_view::npos) return false;
        out.clear();
        out.protocol = Protocol::sip;
        out.kind = RecordKind::response;
        std::string_view kv = rest.substr(colon + 2);
        if (!kv.empty() && kv.back() == '\r') kv.remove_suffix(1);
        while (!kv.empty()) {
            const std::size_t semi = kv.find(';');
            const std::string_view pair = kv.substr(0, semi);
            kv = semi == std::string_view::npos ? std::string_view{} : kv.substr(semi + 1);
            const std::size_t eq = pair.find('=');
            if (eq == std::string_view::npos) continue;
            const std::string_view k = pair.substr(0, eq), v = pair.substr(eq + 1);
            if (k == "method") { out.method = v; out.sip.cseq_method = v; }
            else if (k == "code") out.status = v;
            else if (k == "reason") out.reason = v;
            else if (k == "call_id") out.sip.call_id = v;
            else if (k == "from_tag") out.sip.from_tag = v;
            else if (k == "to_tag") out.sip.to_tag = v;
            else if (k == "timestamp" || k == "time") { out.time = v; out.time_syntax = TimeSyntax::any; }
            else if (k == "reply_reason_hdr" || k == "reason_hdr") out.sip.reason_header = v;
        }
        // The Reason header value may itself hold ';' (Q.850;cause=17;text=...): it is the tail after the key.
        const std::size_t rh = line.find("reply_reason_hdr=");
        if (rh != std::string_view::npos) {
            std::string_view v = line.substr(rh + 17);
            if (!v.empty() && v.back() == '\r') v.remove_suffix(1);
            out.sip.reason_header = v;
        }
        return !out.status.empty();
    }
};

class AccParser final : public Parser {
public:
    explicit AccParser(const AccFormat& f) : format_(f) {}
    ParseResult parse(std::string_view line, Record& out) override {
        if (line.find("ACC: ") == std::string_view::npos) return ParseResult::meta;
        return format_.parse(line, out) ? ParseResult::record : ParseResult::unparsed;
    }

private:
    const AccFormat& format_;
};

std::unique_ptr<Parser> AccFormat::make_parser() const { return std::make_unique<AccParser>(*this); }

const SipTraceFormat kSipTrace;
const AccFormat kAcc;
const BuiltinFormat kSipFormats[] = {
    {"sip_trace", &kSipTrace, 50, true},
    {"sip_acc", &kAcc, 60, true},
};

}  // namespace

std::span<const BuiltinFormat> sip_formats() { return kSipFormats; }

int reason_cause(std::string_view header, std::string_view protocol) noexcept {
    // Several Reason headers may be joined with ", ": look at each protocol token in turn.
    std::size_t p = 0;
    while (p < header.size()) {
        while (p < header.size() && (header[p] == ' ' || header[p] == ',')) ++p;
        std::size_t semi = header.find(';', p);
        const std::string_view proto = trim(header.substr(p, semi == std::string_view::npos ? std::string_view::npos : semi - p));
        std::size_t next = header.find(',', p);
        // a quoted text may hold commas
        const std::size_t quote = header.find('"', p);
        if (quote != std::string_view::npos && quote < next) {
            const std::size_t close = header.find('"', quote + 1);
            next = close == std::string_view::npos ? std::string_view::npos : header.find(',', close);
        }
        const std::string_view one = header.substr(p, next == std::string_view::npos ? std::string_view::npos : next - p);
        if (iequals(proto, protocol)) {
            const std::string_view c = param(one, "cause", ";cause=");
            int v = 0;
            for (char ch : c) {
                if (!is_digit(ch)) break;
                v = v * 10 + (ch - '0');
                if (v > 9999) break;
            }
            if (!c.empty()) return v;
        }
        if (next == std::string_view::npos) break;
        p = next + 1;
    }
    return 0;
}

}  // namespace logcodes
