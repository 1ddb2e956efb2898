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

// "Mmm dd hh:mm:ss" (RFC 3164 §4.1.2); days written "d", " d" or "dd". Returns its length or 0.
std::size_t bsd_time(std::string_view s) noexcept {
    static constexpr const char* kMonths = "JanFebMarAprMayJunJulAugSepOctNovDec";
    if (s.size() < 14 || s[3] != ' ') return 0;
    bool month = false;
    for (int m = 0; m < 12 && !month; ++m) month = std::memcmp(s.data(), kMonths + 3 * m, 3) == 0;
    if (!month) return 0;
    std::size_t p = 4;
    if (s[p] == ' ') ++p;  // " 5"
    if (!digit(s[p])) return 0;
    ++p;
    if (p < s.size() && digit(s[p])) ++p;
    if (p + 9 > s.size() || s[p] != ' ') return 0;
    const std::string_view t = s.substr(p + 1, 8);
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

// A TAG: a short token ending in ':' ("nginx:", "nginx[123]:", "/usr/sbin/kamailio[7]:").
bool tag(std::string_view t) noexcept {
    if (t.size() < 2 || t.size() > 64 || t.back() != ':') return false;
    for (char c : t.substr(0, t.size() - 1))
        if (c == '"' || c == '\t') return false;
    return true;
}

// The program of a TAG: "nginx[123]:" -> "nginx".
std::string_view tag_name(std::string_view t) noexcept {
    t.remove_suffix(1);
    const std::size_t bracket = t.find('[');
    return bracket == std::string_view::npos ? t : t.substr(0, bracket);
}

std::string_view nil(std::string_view t) noexcept { return t == "-" ? std::string_view{} : t; }

class SyslogEnvelope final : public Envelope {
public:
    std::string_view name() const noexcept override { return "syslog"; }
    std::string_view description() const noexcept override {
        return "syslog: RFC 5424, RFC 3164 (nginx syslog:, rsyslog's traditional file format) and rsyslog's "
               "RFC 3339 file format, with or without <PRI>, RFC 6587 octet counting";
    }

    bool peel(std::string_view line, Peeled& out, std::string&) const override {
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
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
        out = Peeled{};
        const std::string_view rest = line.substr(p);
        if (pri && rest.size() > 2 && rest[0] == '1' && rest[1] == ' ') return rfc5424(line, p + 2, out);
        std::size_t pos = p;
        if (const std::size_t n = bsd_time(rest); n > 0) {
            out.time = rest.substr(0, n);
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
        std::string_view first = token(line, after);
        if (tag(first)) {
            out.app = tag_name(first);
        } else {
            if (first.empty()) return false;
            out.host = first;
            std::size_t after_tag = after;
            while (after_tag < line.size() && line[after_tag] == ' ') ++after_tag;  // rsyslog: "HOST  TAG:" then
            const std::string_view second = token(line, after_tag);
            if (tag(second)) {
                out.app = tag_name(second);
                after = after_tag;
            } else if (!pri) {
                return false;  // no PRI and no TAG: not enough to call it syslog
            }
        }
        out.line = line.substr(after);
        return true;
    }

private:
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
