// The syslog envelope: one message per line, as senders write it on the wire and as syslog daemons write
// it to files.
//
//   RFC 5424 §6:    <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [SP MSG]
//                   (NILVALUE "-" for any header field; MSG may start with a UTF-8 BOM)
//   RFC 3164 §4.1:  <PRI>Mmm dd hh:mm:ss HOSTNAME TAG: MSG   (dd space-padded; TAG "name" or "name[pid]")
//                   nginx writes exactly this (src/core/ngx_syslog.c, ngx_syslog_add_header: "<%ui>%V %V %V: ",
//                   hostname left out with `nohostname`); rsyslog's traditional file format drops the PRI.
//   rsyslog's RSYSLOG_FileFormat (Debian 13's default): TIMESTAMP(RFC 3339) HOSTNAME TAG: MSG
//   RFC 6587 §3.4.1 octet counting (syslog over TCP): MSG-LEN SP SYSLOG-MSG, one frame per line here.
//
// Without a PRI the header must end in a TAG ("name:"), so a log whose lines merely start with a time
// and a word is not taken for syslog.
#include <cstdint>
#include <cstring>

#include "envelope_impl.hpp"

namespace logcodes {

namespace {

bool digit(char c) noexcept { return c >= '0' && c <= '9'; }

// Next space-delimited token from `pos`; `pos` moves past it and one space.
std::string_view token(std::string_view s, std::size_t& pos) noexcept {
    const std::size_t begin = pos;
    while (pos < s.size() && s[pos] != ' ') ++pos;
    const std::string_view t = s.substr(begin, pos - begin);
    if (pos < s.size()) ++pos;
    return t;
}

// A month's number from its three letters ("Jan" 1 ... "Dec" 12), 0 when they are none.
inline int month_of(const char* m) noexcept {
    const char a = m[0], b = m[1], c = m[2];
    switch (a) {
        case 'J': return b == 'a' && c == 'n' ? 1 : b == 'u' ? (c == 'n' ? 6 : c == 'l' ? 7 : 0) : 0;
        case 'F': return b == 'e' && c == 'b' ? 2 : 0;
        case 'M': return b == 'a' ? (c == 'r' ? 3 : c == 'y' ? 5 : 0) : 0;
        case 'A': return b == 'p' && c == 'r' ? 4 : b == 'u' && c == 'g' ? 8 : 0;
        case 'S': return b == 'e' && c == 'p' ? 9 : 0;
        case 'O': return b == 'c' && c == 't' ? 10 : 0;
        case 'N': return b == 'o' && c == 'v' ? 11 : 0;
        case 'D': return b == 'e' && c == 'c' ? 12 : 0;
        default: return 0;
    }
}

// "Mmm dd hh:mm:ss" (RFC 3164 §4.1.2); days written "d", " d" or "dd". Returns its length or 0.
std::size_t bsd_time(std::string_view s) noexcept {
    if (s.size() < 14 || s[3] != ' ' || month_of(s.data()) == 0) return 0;
    std::size_t p = 4;
    if (s[p] == ' ') ++p;  // " 5"
    if (!digit(s[p])) return 0;
    ++p;
    if (p < s.size() && digit(s[p])) ++p;
    if (p + 9 > s.size() || s[p] != ' ') return 0;
    const char* t = s.data() + p + 1;
    if (!digit(t[0]) || !digit(t[1]) || t[2] != ':' || !digit(t[3]) || !digit(t[4]) || t[5] != ':' || !digit(t[6]) ||
        !digit(t[7]))
        return 0;
    return p + 9;
}

// An RFC 3339 timestamp token: "2026-12-05T10:00:01[.frac](Z|+hh:mm)".
bool rfc3339(std::string_view t) noexcept {
    return t.size() >= 20 && digit(t[0]) && digit(t[3]) && t[4] == '-' && t[7] == '-' && (t[10] == 'T' || t[10] == 't') &&
           t[13] == ':' && t[16] == ':';
}

// The first ' ' in [p, e), or e; reads 8 bytes at a time (lines are followed by kLinePadding readable bytes).
inline const char* find_space(const char* p, const char* e) noexcept {
    constexpr std::uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
    for (; p < e; p += 8) {
        std::uint64_t v;
        std::memcpy(&v, p, 8);
        const std::uint64_t x = v ^ (kOnes * ' ');
        const std::uint64_t hit = (x - kOnes) & ~x & kHigh;
        if (hit) {
            p += __builtin_ctzll(hit) / 8;
            return p < e ? p : e;
        }
    }
    return e;
}

// The header word at `pos`, up to a space; `pos` moves past it and one space. True when it is a TAG, a short
// word ending in ':' ("nginx:", "nginx[123]:", "/usr/sbin/kamailio[7]:"): `program` is then what comes before
// '[' and ':'. Otherwise the word is `text`. Views are built straight into their destination.
inline bool word(std::string_view s, std::size_t& pos, std::string_view& text, std::string_view& program) noexcept {
    const char* const b = s.data() + pos;
    const char* const e = s.data() + s.size();
    const char* const p = find_space(b, e);
    const auto n = static_cast<std::size_t>(p - b);
    pos = static_cast<std::size_t>(p - s.data()) + (p < e ? 1 : 0);
    if (n >= 2 && n <= 64 && p[-1] == ':' && *b != '"') {
        const void* bracket = std::memchr(b, '[', n);
        program = std::string_view(b, static_cast<std::size_t>((bracket ? static_cast<const char*>(bracket) : p - 1) - b));
        return true;
    }
    text = std::string_view(b, n);
    return false;
}

// Eight ASCII digits (simdjson's is_made_of_eight_digits_fast).
inline bool eight_digits(std::uint64_t v) noexcept {
    return ((v & 0xF0F0F0F0F0F0F0F0ull) | (((v + 0x0606060606060606ull) & 0xF0F0F0F0F0F0F0F0ull) >> 4)) ==
           0x3333333333333333ull;
}

// The common line, read with few instructions: "[<PRI>]Mmm dd hh:mm:ss HOST TAG: MSG" with one space between
// the fields (nginx on the wire, rsyslog's traditional file format). False: leave the line to the general
// reading, which accepts everything this does and more (no hostname, extra spaces, other times, RFC 5424).
// `memo` (the parser's scratch) keeps the last line's "HOST TAG: " after two bytes of their lengths: a file
// of one program on one host repeats them, and a line that does is read with one comparison.
bool fast_3164(std::string_view line, Peeled& out, std::string& memo) noexcept {
    const char* const s = line.data();
    const char* const e = s + line.size();
    if (line.size() < 24) return false;
    const char* t = s;
    if (*s == '<') {
        // 1 to 3 digits, at most 191 (RFC 3164 §4.1.1: facility * 8 + severity).
        const std::size_t close = s[2] == '>' ? 2 : s[3] == '>' ? 3 : s[4] == '>' ? 4 : 0;
        if (close == 0) return false;
        for (std::size_t i = 1; i < close; ++i)
            if (!digit(s[i])) return false;
        if (close == 4 && (s[1] > '1' || (s[1] == '1' && (s[2] > '9' || (s[2] == '9' && s[3] > '1'))))) return false;
        t = s + close + 1;
    }
    if (e - t < 20 || month_of(t) == 0 || t[3] != ' ' || t[6] != ' ' || t[15] != ' ' ||
        !(t[4] == ' ' || digit(t[4])) || !digit(t[5]))
        return false;
    std::uint64_t clock;
    std::memcpy(&clock, t + 7, 8);  // "hh:mm:ss": the colons must be there, and digits elsewhere
    constexpr std::uint64_t kColons = 0x0000FF0000FF0000ull;
    if ((clock & kColons) != (0x3A3A3A3A3A3A3A3Aull & kColons) ||
        !eight_digits((clock & ~kColons) | (0x3030303030303030ull & kColons)))
        return false;
    const char* const host = t + 16;
    out.time = std::string_view(t, 15);
    out.time_kind = EnvelopeTime::bsd;
    if (const std::size_t words = memo.size(); words > 2 && static_cast<std::size_t>(e - host) >= words - 2 &&
                                               std::memcmp(host, memo.data() + 2, words - 2) == 0) {
        const auto host_len = static_cast<unsigned char>(memo[0]), app_len = static_cast<unsigned char>(memo[1]);
        out.host = std::string_view(host, host_len);
        out.app = std::string_view(host + host_len + 1, app_len);
        out.line = std::string_view(host + words - 2, static_cast<std::size_t>(e - host) - (words - 2));
        return true;
    }
    const char* const host_end = find_space(host, e);
    if (host_end == e || host_end == host || host_end[-1] == ':') return false;
    const char* const tag = host_end + 1;
    const char* const tag_end = find_space(tag, e);
    const auto n = static_cast<std::size_t>(tag_end - tag);
    if (tag_end == e || n < 2 || n > 64 || tag_end[-1] != ':' || *tag == '"') return false;
    // The program: up to '[' ("nginx[12]:"), found in the tag's first eight bytes at once.
    const char* name_end = tag_end - 1;
    std::uint64_t head;
    std::memcpy(&head, tag, 8);
    constexpr std::uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
    const std::uint64_t x = head ^ (kOnes * '[');
    if (const std::uint64_t hit = (x - kOnes) & ~x & kHigh; hit) {
        const char* b = tag + __builtin_ctzll(hit) / 8;
        if (b < name_end) name_end = b;
    } else if (n > 9) {
        for (const char* q = tag + 8; q < name_end; ++q)
            if (*q == '[') {
                name_end = q;
                break;
            }
    }
    out.host = std::string_view(host, static_cast<std::size_t>(host_end - host));
    out.app = std::string_view(tag, static_cast<std::size_t>(name_end - tag));
    out.line = std::string_view(tag_end + 1, static_cast<std::size_t>(e - tag_end - 1));
    if (out.host.size() < 256) {
        try {
            memo.assign(1, static_cast<char>(out.host.size())).push_back(static_cast<char>(out.app.size()));
            memo.append(host, static_cast<std::size_t>(tag_end + 1 - host));
        } catch (...) {
            memo.clear();
        }
    }
    return true;
}

std::string_view nil(std::string_view t) noexcept { return t == "-" ? std::string_view{} : t; }

class SyslogEnvelope final : public Envelope {
public:
    std::string_view name() const noexcept override { return "syslog"; }
    std::string_view description() const noexcept override {
        return "syslog: RFC 5424, RFC 3164 (nginx syslog:, rsyslog's traditional file format) and rsyslog's "
               "RFC 3339 file format, with or without <PRI>, RFC 6587 octet counting";
    }

    bool peel(std::string_view line, Peeled& out, std::string& scratch) const override {
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        return fast_3164(line, out, scratch) || general(line, out);
    }

private:
    [[gnu::noinline]] static bool general(std::string_view line, Peeled& out) {
        std::size_t p = 0;
        if (!line.empty() && digit(line[0])) {
            // RFC 6587 octet counting: the count is the rest of the frame.
            std::size_t n = 0;
            while (p < line.size() && p < 9 && digit(line[p])) n = n * 10 + static_cast<std::size_t>(line[p++] - '0');
            if (p < line.size() && line[p] == ' ' && p + 1 < line.size() && line[p + 1] == '<') {
                ++p;
                // The count covers the message, and the LF (or CRLF) ending it when the sender counted it.
                const std::size_t rest = line.size() - p;
                if (n < rest || n > rest + 2) return false;  // a frame cut or run together: not one message per line
            } else {
                p = 0;  // a time such as "2026-..." starts with digits too
            }
        }
        bool pri = false;
        if (p < line.size() && line[p] == '<') {
            std::size_t q = p + 1, v = 0;
            while (q < line.size() && q < p + 4 && digit(line[q])) v = v * 10 + static_cast<std::size_t>(line[q++] - '0');
            if (q == p + 1 || q >= line.size() || line[q] != '>' || v > 191) return false;
            p = q + 1;
            pri = true;
        }
        const std::string_view rest(line.data() + p, line.size() - p);
        if (pri && rest.size() > 2 && rest[0] == '1' && rest[1] == ' ') return rfc5424(line, p + 2, out);
        std::size_t pos = p;
        if (const std::size_t n = bsd_time(rest); n > 0) {
            out.time = std::string_view(rest.data(), n);
            out.time_kind = EnvelopeTime::bsd;
            pos = p + n;
            if (pos < line.size() && line[pos] == ' ') ++pos;
        } else {
            const std::string_view t = token(line, pos);
            if (!rfc3339(t)) return false;
            out.time = t;
            out.time_kind = EnvelopeTime::iso8601;
        }
        // HOSTNAME (left out by nginx's nohostname: the first token is then the TAG; empty in the lines nginx
        // logs while it starts, before it knows its hostname: "TIME  TAG:") and TAG.
        while (pos < line.size() && line[pos] == ' ') ++pos;
        std::size_t after = pos;
        if (!word(line, after, out.host, out.app)) {
            if (out.host.empty()) return false;
            std::size_t after_tag = after;
            while (after_tag < line.size() && line[after_tag] == ' ') ++after_tag;  // rsyslog: "HOST  TAG:" then
            std::string_view not_tag;
            if (word(line, after_tag, not_tag, out.app)) after = after_tag;
            else if (!pri) return false;  // no PRI and no TAG: not enough to call it syslog
        }
        out.line = std::string_view(line.data() + after, line.size() - after);
        return true;
    }

    static bool rfc5424(std::string_view line, std::size_t pos, Peeled& out) {
        const std::string_view time = token(line, pos);
        if (time != "-" && !rfc3339(time)) return false;
        out.time = nil(time);
        out.time_kind = out.time.empty() ? EnvelopeTime::none : EnvelopeTime::iso8601;
        out.host = nil(token(line, pos));
        out.app = nil(token(line, pos));
        (void)token(line, pos);  // PROCID
        (void)token(line, pos);  // MSGID
        if (pos >= line.size()) return false;
        if (line[pos] == '-') {
            ++pos;
        } else {
            // STRUCTURED-DATA: one or more "[id param="value" ...]"; '"', '\' and ']' are escaped in values.
            while (pos < line.size() && line[pos] == '[') {
                bool quoted = false;
                ++pos;
                for (; pos < line.size(); ++pos) {
                    const char c = line[pos];
                    if (quoted && c == '\\') ++pos;
                    else if (c == '"') quoted = !quoted;
                    else if (c == ']' && !quoted) break;
                }
                if (pos >= line.size()) return false;
                ++pos;
            }
        }
        if (pos < line.size()) {
            if (line[pos] != ' ') return false;
            ++pos;
        }
        std::string_view msg = line.substr(pos);
        if (msg.starts_with("\xEF\xBB\xBF")) msg.remove_prefix(3);  // RFC 5424 §6.4: MSG-UTF8 starts with a BOM
        // rsyslog turning an RFC 3164 message into RFC 5424 keeps the space after its "TAG:" in MSG.
        if (msg.starts_with(' ')) msg.remove_prefix(1);
        out.line = msg;
        return true;
    }
};

const SyslogEnvelope kSyslog;

}  // namespace

const Envelope& syslog_envelope() noexcept { return kSyslog; }

}  // namespace logcodes
