#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

#include "logcodes/find.hpp"
#include "logcodes/formats/sip.hpp"
#include "logcodes/time.hpp"
#include "kept_text.hpp"
#include "sip_text.hpp"

namespace logcodes {

namespace {

using namespace sip_text;

// A header name given in lower case, as a template argument: its words are built at compile time.
template <std::size_t N>
struct LowerName {
    char text[N];
    consteval LowerName(const char (&s)[N]) {
        for (std::size_t i = 0; i < N; ++i) text[i] = s[i];
    }
};

// A header name equals `L` in any case: letters compare with their case bit set, other bytes exactly
// ('-' is 0x2D, and so is '\r' with the case bit set). One or two 8-byte compares (names of up to 16 bytes).
template <LowerName L>
bool same_name(std::string_view name) noexcept {
    constexpr std::size_t n = sizeof(L.text) - 1;
    static_assert(n >= 1 && n <= 16, "names of 1 to 16 bytes");
    // Bytes [0, first) and, for names over 8 bytes, [second, n): overlapping words.
    constexpr std::size_t first = n < 8 ? n : 8, second = n > 8 ? n - 8 : 0;
    // The word memcpy() would load from these bytes (any byte order), or its case bits.
    constexpr auto word = [](std::size_t from, std::size_t count, bool case_bits) {
        std::array<char, 8> b{};
        for (std::size_t i = 0; i < count; ++i) {
            const char c = L.text[from + i];
            b[i] = case_bits ? (c >= 'a' && c <= 'z' ? '\x20' : '\0') : c;
        }
        return std::bit_cast<std::uint64_t>(b);
    };
    constexpr std::uint64_t want0 = word(0, first, false), fold0 = word(0, first, true);
    constexpr std::size_t count1 = n > 8 ? 8 : 0;
    constexpr std::uint64_t want1 = word(second, count1, false), fold1 = word(second, count1, true);
    if (name.size() != n) return false;
    std::uint64_t w = 0;
    std::memcpy(&w, name.data(), first);
    if ((w | fold0) != want0) return false;
    if constexpr (n > 8) {
        std::memcpy(&w, name.data() + second, 8);
        if ((w | fold1) != want1) return false;
    }
    return true;
}

// What may start a message: most trace lines are neither, and are told apart here with two word compares.
bool may_start_message(std::string_view l) noexcept {
    return l.size() >= 11 && (l.starts_with("SIP/2.0 ") || l.ends_with(" SIP/2.0"));
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

// "INVITE sip:bob@x SIP/2.0": the method (and the request-URI). False for anything else.
bool request_line(std::string_view l, std::string_view& method, std::string_view* request_uri = nullptr) noexcept {
    if (!l.ends_with(" SIP/2.0")) return false;
    const std::size_t sp = find_in(l, 0, ' ');
    if (sp == 0 || sp == std::string_view::npos || sp + 8 >= l.size()) return false;
    for (std::size_t i = 0; i < sp; ++i) {
        const char c = l[i];
        if (!((c >= 'A' && c <= 'Z') || c == '-' || c == '_' || is_digit(c))) return false;
    }
    const std::string_view uri = l.substr(sp + 1, l.size() - 8 - sp - 1);
    if (uri.empty() || find_in(uri, 0, ' ') != std::string_view::npos || find_in(uri, 0, ':') == std::string_view::npos)
        return false;
    method = l.substr(0, sp);
    if (request_uri) *request_uri = uri;
    return true;
}

// A date and time anywhere in a framing line ("2026-11-23 23:48:42.893185", "2011/07/28 12:54:46.562096"):
// its text, empty when there is none.
std::string_view find_framing_time(std::string_view l) noexcept {
    // Anchor on each ':' (few per line): a date-time's first one sits 13 after the date's start.
    for (std::size_t colon = find_in(l, 13, ':'); colon != std::string_view::npos; colon = find_in(l, colon + 1, ':')) {
        const std::size_t i = colon - 13;
        if (i + 19 > l.size() || !is_digit(l[i]) || (l[i + 4] != '-' && l[i + 4] != '/') || l[i + 7] != l[i + 4] ||
            l[i + 10] != ' ' || l[i + 16] != ':')
            continue;
        std::size_t j = i + 19;
        const std::size_t stop = std::min(l.size(), i + 32);  // fractions of a second: a dozen bytes at most
        while (j < stop && (is_digit(l[j]) || l[j] == '.')) ++j;
        return l.substr(i, j - i);
    }
    return {};
}

// The framing line's date-time copied into `out` as ISO 8601 text (parsed only if a time is asked for).
bool framing_time(std::string_view l, KeptText<32>& out) {
    const std::string_view t = find_framing_time(l);
    if (t.empty()) return false;
    out.assign(t);
    out[4] = out[7] = '-';
    return true;
}

// A request or status line, as the reader opens a message with it.
bool start_line(std::string_view l) noexcept {
    std::string_view code, reason, method;
    return may_start_message(l) && (response_line(l, code, reason) || request_line(l, method));
}

// Written by the capture reader (pcap_source.cpp) before each message it found.
constexpr std::string_view kCaptureFraming = "#logcodes-pcap ";

// The parser of one trace: copies what a message says into its own storage, so records outlive lines.
class SipTraceParser final : public Parser {
public:
    ParseResult parse(std::string_view line, Record& out) override {
        addresses_ = out.named_fields;
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

    // A piece may begin at `line` when this reader would read it as from idle (it ends any open message
    // without taking the line into it) and then hold what a new reader holds: the trace time it keeps from
    // earlier framing lines is replaced by the line's own, or there is none.
    bool fresh_at(std::string_view line) const noexcept override {
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        bool from_idle = state_ == State::idle || line.starts_with(kCaptureFraming);
        if (!from_idle && state_ == State::headers) {
            // header_line(): a line that is not blank, folded or a header ends the message.
            if (line.empty() || line.front() == ' ' || line.front() == '\t') return false;
            const std::size_t colon = find_in(line, 0, ':');
            from_idle = colon == std::string_view::npos || colon == 0;
        } else if (!from_idle) {
            from_idle = starts_message(line);  // body_line(): a start line ends the body
        }
        if (!from_idle) return false;
        if (start_line(line)) return trace_time_.empty();
        return !find_framing_time(line).empty() || trace_time_.empty();
    }

private:
    enum class State { idle, headers, body };

    [[gnu::noinline]] ParseResult idle_line(std::string_view line, Record& out) {
        if (may_start_message(line) && start(line)) return ParseResult::part;
        framing_time(line, trace_time_);
        (void)out;
        return ParseResult::meta;
    }

    [[gnu::noinline]] bool start(std::string_view line) {
        std::string_view code, reason, method;
        if (response_line(line, code, reason)) {
            reset_message();
            kind_ = RecordKind::response;
            m().status.assign(code);
            m().reason.assign(reason);
        } else if (std::string_view uri; request_line(line, method, &uri)) {
            reset_message();
            kind_ = RecordKind::request;
            m().method.assign(method);
            if (addresses_) assign_uri(m().ruri, uri);
        } else {
            return false;
        }
        state_ = State::headers;
        return true;
    }

    ParseResult header_line(std::string_view line, Record& out) {
        if (plain_header(line)) return ParseResult::part;
        const bool blank = line.empty() || ((line.front() == ' ' || line.front() == '\t') && trim(line).empty());
        if (!blank && (line.front() == ' ' || line.front() == '\t')) {
            // A folded line continues the header before it: only Reason and Warning values are kept whole.
            if (last_ == Last::reason) m().reason_header.append(" ").append(trim(line));
            else if (last_ == Last::warning) m().warning.append(" ").append(trim(line));
            return ParseResult::part;
        }
        last_ = Last::other;
        if (blank) {
            if (content_length_ > 0) {
                state_ = State::body;
                body_left_ = content_length_;
                return ParseResult::part;
            }
            emit(out);
            return ParseResult::record;
        }
        const std::size_t colon = find_in(line, 0, ':');
        if (colon == std::string_view::npos || colon == 0) {
            // No blank line before something that is not a header: the message ended (cut dumps).
            emit(out);
            if (!start(line)) framing_time(line, trace_time_);
            return ParseResult::record;
        }
        read_header(line, colon);  // a name that starts with '#' (not a capture's framing line)
        return ParseResult::part;
    }

    // `line` holds a header's ':' at `colon` > 0 and does not start with white space (a folded line):
    // only the name's end may have some.
    void read_header(std::string_view line, std::size_t colon) {
        std::string_view name = line.substr(0, colon);
        if (static_cast<unsigned char>(name.back()) <= ' ')  // "Name :" is rare: one compare for the others
            while (name.back() == ' ' || name.back() == '\t') name.remove_suffix(1);
        header(name, line.substr(colon + 1));
    }

    Taken take_parts(std::string_view ahead, std::size_t max_line) override {
        Taken t;
        const char* const end = ahead.data() + ahead.size();
        const char* p = ahead.data();
        while (state_ != State::idle) {
            std::size_t colon = std::string_view::npos;  // a header's ':', when the line's first bytes hold it
            const char* nl = state_ == State::headers ? line_end_and_colon(p, end, colon) : find_byte(p, end, '\n');
            if (nl == end) break;  // unfinished: the framer hands it over once complete
            std::string_view line(p, static_cast<std::size_t>(nl - p));
            if (line.size() >= max_line) break;
            if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
            if (!(state_ == State::headers ? plain_header(line, colon) : plain_body_line(line))) break;
            p = nl + 1;
            t.bytes = static_cast<std::size_t>(p - ahead.data());
            ++t.lines;
        }
        return t;
    }

    // Between messages: the framing lines before the next start line ("--- 2026-11-23 23:48:20.011792",
    // "UDP message:"), read as idle_line() reads them, and blank lines. Stops at whatever may start a message.
    Taken take_meta(std::string_view ahead, std::size_t max_line) override {
        Taken t;
        if (state_ != State::idle) return t;
        const char* const end = ahead.data() + ahead.size();
        const char* p = ahead.data();
        for (;;) {
            const char* nl = find_byte(p, end, '\n');
            if (nl == end) break;
            std::string_view line(p, static_cast<std::size_t>(nl - p));
            if (line.size() >= max_line) break;
            if (is_blank_line(line)) {
                ++t.blank;
            } else {
                if (line.back() == '\r') line.remove_suffix(1);
                if (may_start_message(line)) break;  // parse() decides whether it opens a message
                framing_time(line, trace_time_);
                ++t.meta;
            }
            p = nl + 1;
            t.bytes = static_cast<std::size_t>(p - ahead.data());
            ++t.lines;
        }
        return t;
    }

    // The '\n' that ends the line at `p` (`end` when none), and in `colon` the position of its first ':' when
    // that is among its first 16 bytes (else left as is): header names are short, so one load finds both.
    static const char* line_end_and_colon(const char* p, const char* end, std::size_t& colon) noexcept {
#if defined(__SSE2__)
        if (end - p >= 16) {
            const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
            const unsigned nls = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8('\n'))));
            unsigned colons = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8(':'))));
            if (nls) colons &= (nls & (0u - nls)) - 1;  // only those before the line's end
            if (colons) colon = static_cast<std::size_t>(__builtin_ctz(colons));
            return nls ? p + __builtin_ctz(nls) : find_byte(p + 16, end, '\n');
        }
#endif
        return find_byte(p, end, '\n');
    }

    // A "Name: value" line, read as header_line() would; false (nothing read) for any other line: blank,
    // folded, a capture's framing ('#'), or no name. `colon`: its first ':' if known, else npos.
    bool plain_header(std::string_view line, std::size_t colon = std::string_view::npos) {
        if (line.empty() || line.front() == ' ' || line.front() == '\t' || line.front() == '#') return false;
        if (colon == std::string_view::npos) colon = find_in(line, 0, ':');
        if (colon == std::string_view::npos || colon == 0) return false;
        last_ = Last::other;
        read_header(line, colon);
        return true;
    }

    // A body line that leaves the body unfinished: read (false for any other line).
    bool plain_body_line(std::string_view line) {
        if (!line.empty() && line[0] == '#' && line.starts_with(kCaptureFraming)) return false;
        if (starts_message(line)) return false;
        // Bytes on the wire: CRLF line ends, which dumps often turned into LF — count 2 for a bare line end.
        const std::size_t used = line.size() + 2;
        if (used >= body_left_) return false;
        body_left_ -= used;
        return true;
    }

    [[gnu::noinline]] ParseResult body_line(std::string_view line, Record& out) {
        if (plain_body_line(line)) return ParseResult::part;
        // The message ends here: with the body's last line, or at a start line where no body holds one
        // (Content-Length promised more than the message had), which opens the next message.
        const bool next_starts = starts_message(line);
        emit(out);
        if (next_starts) start(line);
        return ParseResult::record;
    }

    // A start line where it ends a message body (message/sipfrag and message/sip bodies hold their own).
    bool starts_message(std::string_view line) const noexcept {
        std::string_view code, reason, method;
        return !body_holds_messages_ && may_start_message(line) &&
               (response_line(line, code, reason) || request_line(line, method));
    }

    // The headers read here; every other one is passed over without looking at its value.
    enum class Header {
        other, call_id, via, from, to, cseq, content_length, content_type, reason, server, user_agent, warning,
        credentials, challenge
    };

    // Dispatch on length and first letter first: most names are told apart without reading them whole.
    static Header which(std::string_view name) noexcept {
        const char first = lower(name.empty() ? ' ' : name[0]);
        switch (name.size()) {
            case 1:
                switch (first) {
                    case 'i': return Header::call_id;
                    case 'v': return Header::via;
                    case 'f': return Header::from;
                    case 't': return Header::to;
                    case 'l': return Header::content_length;
                    case 'c': return Header::content_type;
                    default: return Header::other;
                }
            case 2: return first == 't' && same_name<"to">(name) ? Header::to : Header::other;
            case 3: return first == 'v' && same_name<"via">(name) ? Header::via : Header::other;
            case 4:
                if (first == 'c') return same_name<"cseq">(name) ? Header::cseq : Header::other;
                return first == 'f' && same_name<"from">(name) ? Header::from : Header::other;
            case 6:
                if (first == 'r') return same_name<"reason">(name) ? Header::reason : Header::other;
                return first == 's' && same_name<"server">(name) ? Header::server : Header::other;
            case 7:
                if (first == 'c') return same_name<"call-id">(name) ? Header::call_id : Header::other;
                return first == 'w' && same_name<"warning">(name) ? Header::warning : Header::other;
            case 10: return first == 'u' && same_name<"user-agent">(name) ? Header::user_agent : Header::other;
            // RFC 3261 §22: credentials in a request, a challenge in a 401/407
            case 13: return first == 'a' && same_name<"authorization">(name) ? Header::credentials : Header::other;
            case 16: return first == 'w' && same_name<"www-authenticate">(name) ? Header::challenge : Header::other;
            case 18: return first == 'p' && iequals(name, "proxy-authenticate") ? Header::challenge : Header::other;
            case 19: return first == 'p' && iequals(name, "proxy-authorization") ? Header::credentials : Header::other;
            case 12: return first == 'c' && same_name<"content-type">(name) ? Header::content_type : Header::other;
            case 14: return first == 'c' && same_name<"content-length">(name) ? Header::content_length : Header::other;
            default: return Header::other;
        }
    }

    void header(std::string_view name, std::string_view raw_value) {
        const Header h = which(name);
        if (h == Header::other) return;
        const std::string_view value = trim(raw_value);
        switch (h) {
            case Header::other: return;
            case Header::call_id: m().call_id.assign(value); return;
            case Header::via: via(value); return;
            case Header::from:
                m().from_tag.assign(param(value, "tag", ";tag="));
                if (addresses_) assign_uri(m().from, header_uri(value));
                return;
            case Header::to:
                m().to_tag.assign(param(value, "tag", ";tag="));
                if (addresses_) assign_uri(m().to, header_uri(value));
                return;
            case Header::cseq: cseq(value); return;
            case Header::content_length: content_length(value); return;
            case Header::content_type: content_type(value); return;
            case Header::reason:
                if (!m().reason_header.empty()) m().reason_header += ", ";
                m().reason_header.append(value.substr(0, 512));
                last_ = Last::reason;
                return;
            case Header::server:
            case Header::user_agent: m().agent.assign(value); return;
            case Header::credentials: credentials_ = true; return;
            case Header::challenge: stale_ = stale_ || stale(value); return;
            case Header::warning:
                if (m().warning.empty()) {
                    m().warning.assign(value.substr(0, 512));
                    last_ = Last::warning;
                }
                return;
        }
    }

    // The user and host of a From, To or request-URI, kept apart (a field each: see sip_address_fields()).
    struct Address {
        KeptText<128> user, host;
    };
    static void assign_uri(Address& a, std::string_view uri) {
        const UriParts p = uri_parts(uri);
        a.user.assign(p.user);
        a.host.assign(p.host);
    }

    // RFC 2617 §3.2.1: stale=true says only the nonce was old, the credentials were right.
    static bool stale(std::string_view value) noexcept {
        for (std::size_t i = 0; i + 10 <= value.size(); ++i)
            if (iequals(value.substr(i, 10), "stale=true") || iequals(value.substr(i, 10), "stale=\"tru"))
                return true;
        return false;
    }

    void via(std::string_view value) {
        if (have_via_) return;  // the top Via only
        have_via_ = true;
        m().branch.assign(param(value, "branch", ";branch="));
    }

    void cseq(std::string_view value) {
        std::size_t i = 0;
        std::uint32_t n = 0;
        while (i < value.size() && is_digit(value[i])) n = n * 10 + static_cast<std::uint32_t>(value[i++] - '0');
        cseq_ = n;
        m().cseq_method.assign(trim(value.substr(i)));
    }

    // message/sipfrag and message/sip bodies hold SIP start lines of their own.
    void content_type(std::string_view value) { body_holds_messages_ = iequals(value.substr(0, 8), "message/"); }

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
        m().status.clear();
        m().reason.clear();
        m().method.clear();
        m().call_id.clear();
        m().cseq_method.clear();
        m().branch.clear();
        m().from_tag.clear();
        m().to_tag.clear();
        m().reason_header.clear();
        m().warning.clear();
        m().agent.clear();
        if (addresses_)
            for (Address* a : {&m().from, &m().to, &m().ruri}) a->user.clear(), a->host.clear();
        cseq_ = 0;
        credentials_ = stale_ = false;
        content_length_ = 0;
        body_holds_messages_ = false;
        have_via_ = false;
        m().message_time.assign(trace_time_);
    }

    [[gnu::noinline]] void emit(Record& out) {
        // The record must outlive this message: the line that ends a message may start the next (dumps cut
        // without a blank line, captures), so the next message is read into the other of two texts.
        Text& k = texts_[current_];
        current_ ^= 1u;
        state_ = State::idle;
        out.clear();
        out.protocol = Protocol::sip;
        out.kind = kind_;
        out.status = k.status;
        out.reason = k.reason;
        out.method = kind_ == RecordKind::request ? std::string_view(k.method) : std::string_view(k.cseq_method);
        out.sip.call_id = k.call_id;
        out.sip.cseq = cseq_;
        out.sip.cseq_method = kind_ == RecordKind::request && k.cseq_method.empty() ? std::string_view(k.method)
                                                                                     : std::string_view(k.cseq_method);
        out.sip.branch = k.branch;
        out.sip.from_tag = k.from_tag;
        out.sip.to_tag = k.to_tag;
        out.sip.reason_header = k.reason_header;
        out.sip.credentials = credentials_;
        out.sip.stale = stale_;
        out.sip.warning = k.warning;
        out.sip.agent = k.agent;
        if (addresses_) add_addresses(out, k);
        if (!k.message_time.empty()) {
            out.time = k.message_time;
            out.time_syntax = TimeSyntax::iso8601;
        }
    }

    // What a message keeps, each cut at its size but the method and the Reason and Warning values (which
    // folded lines may extend).
    struct Text {
        KeptText<3> status;
        KeptText<256> reason, call_id, agent;
        KeptText<32> cseq_method, message_time;
        KeptText<128> branch, from_tag, to_tag;
        std::string method, reason_header, warning;
        Address from, to, ruri;
    };
    Text texts_[2];              // the message being read, and the last record handed out
    unsigned current_ = 0;       // which of texts_ the message being read fills
    Text& m() noexcept { return texts_[current_]; }

    static void add_addresses(Record& out, const Text& k) {
        const SipAddressFields& f = sip_address_fields();
        for (const auto& [id, value] : {std::pair{f.from_user, &k.from.user}, {f.from_host, &k.from.host},
                                        {f.to_user, &k.to.user}, {f.to_host, &k.to.host},
                                        {f.ruri_user, &k.ruri.user}, {f.ruri_host, &k.ruri.host}})
            if (!value->empty()) out.add_extra(id, *value);
    }

    State state_ = State::idle;
    RecordKind kind_ = RecordKind::response;
    enum class Last { other, reason, warning } last_ = Last::other;  // the header a folded line continues
    std::uint32_t cseq_ = 0;
    bool credentials_ = false, stale_ = false;  // the message read carries credentials / a stale challenge
    std::size_t content_length_ = 0;
    std::size_t body_left_ = 0;
    bool have_via_ = false;
    bool body_holds_messages_ = false;
    bool addresses_ = true;      // copy From, To and the request-URI (Record::named_fields)
    KeptText<32> trace_time_;    // the last framing line's date-time (ISO 8601 text)
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
    PieceRule piece_rule() const noexcept override { return PieceRule::messages; }
    // Framed: some line of the head that is no start line carries a date-time (tshark, sngrep, SIPp dumps).
    bool framed(std::string_view head) const noexcept override {
        for (std::size_t p = 0; p < head.size();) {
            const std::size_t nl = head.find('\n', p);
            if (nl == std::string_view::npos) break;  // a cut last line says nothing
            std::string_view line = head.substr(p, nl - p);
            p = nl + 1;
            if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
            if (!start_line(line) && !find_framing_time(line).empty()) return true;
        }
        return false;
    }
    bool message_start(std::string_view line, bool framed) const noexcept override {
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (start_line(line)) return !framed;
        return framed && !find_framing_time(line).empty();
    }
    std::vector<std::string> field_names() const override { return sip_address_field_names(); }
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
    std::vector<std::string> field_names() const override { return sip_address_field_names(); }
    bool parse(std::string_view line, Record& out) const noexcept override {
        const std::size_t acc = line.find("ACC: ");
        if (acc == std::string_view::npos) return false;
        std::string_view rest = line.substr(acc + 5);
        const std::size_t colon = rest.find(": ");
        if (colon == std::string_view::npos) return false;
        out.clear();
        out.protocol = Protocol::sip;
        out.kind = RecordKind::response;
        out.sip.whole_transaction = true;
        const SipAddressFields& fields = sip_address_fields();
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
            else if (v.empty() || !out.named_fields) continue;
            // The default kamailio.cfg's log_extra: "src_user=$fU;src_domain=$fd;src_ip=$si;dst_ouser=$tU;
            // dst_user=$rU;dst_domain=$rd" (From user and domain, To user, request-URI user and domain).
            else if (k == "src_user") out.add_extra(fields.from_user, v);
            else if (k == "src_domain") out.add_extra(fields.from_host, v);
            else if (k == "dst_ouser") out.add_extra(fields.to_user, v);
            else if (k == "dst_user") out.add_extra(fields.ruri_user, v);
            else if (k == "dst_domain") out.add_extra(fields.ruri_host, v);
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

std::span<const BuiltinFormat> sip_formats() {
    sip_address_fields();  // named before any SIP input is read, so that by="to_user" is known at once
    return kSipFormats;
}

std::vector<std::string> sip_address_field_names() {
    return {"from_user", "from_host", "to_user", "to_host", "ruri_user", "ruri_host"};
}

const SipAddressFields& sip_address_fields() {
    static const SipAddressFields ids{intern_field("from_user"), intern_field("from_host"), intern_field("to_user"),
                                      intern_field("to_host"),   intern_field("ruri_user"), intern_field("ruri_host")};
    return ids;
}

}  // namespace logcodes
