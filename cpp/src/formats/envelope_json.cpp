// JSON envelopes: one JSON object per line that carries the original line in a string field.
//
//   docker    Docker's json-file driver: {"log":"<line>\n","stream":"stdout","attrs":{..},"time":"<RFC 3339>"}
//             (moby/moby daemon/logger/jsonfilelog/jsonlog/jsonlogbytes.go, MarshalJSONBuf; "log" is omitted
//             when empty). A line longer than the copier's buffer (16 KiB, daemon/logger/copier.go) is cut into
//             entries whose "log" does not end in '\n' until the last one: such entries are joined.
//   journald  journalctl -o json: MESSAGE, __REALTIME_TIMESTAMP (microseconds since 1970, as a string),
//             _HOSTNAME, SYSLOG_IDENTIFIER. A field that is not printable UTF-8 is an array of byte values,
//             one with several values an array of strings (systemd's JSON export format,
//             https://systemd.io/JOURNAL_EXPORT_FORMATS/ and journalctl(1)).
//   json      a log shipper's event with the original line in "message" (Filebeat and Elastic Agent: ECS
//             "message", "@timestamp", "host.name"; Vector: "message", "timestamp", "host") or in "log"
//             (Fluent Bit tail and Fluentd: "log", "date"/"time", "stream"), or a Cloud Logging LogEntry's
//             "textPayload" with its "timestamp" (a LogEntry with a structured httpRequest is the
//             gcp_http_request format itself, json.cpp).
//
// The object is read once, member by member, without building anything; the carried string is unescaped
// into the parser's scratch buffer (RFC 8259 §7 escapes, \u surrogate pairs to UTF-8).
#include <cstring>

#include "envelope_impl.hpp"

namespace logcodes {

namespace {

bool space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::size_t skip_space(std::string_view s, std::size_t p) noexcept {
    while (p < s.size() && space(s[p])) ++p;
    return p;
}

// `s[p]` is '"': the index after the closing quote, or npos.
std::size_t string_end(std::string_view s, std::size_t p) noexcept {
    std::size_t q = p + 1;
    for (;;) {
        const void* hit = q < s.size() ? std::memchr(s.data() + q, '"', s.size() - q) : nullptr;
        if (!hit) return std::string_view::npos;
        const std::size_t quote = static_cast<std::size_t>(static_cast<const char*>(hit) - s.data());
        std::size_t backslashes = 0;
        while (quote - backslashes > p + 1 && s[quote - backslashes - 1] == '\\') ++backslashes;
        if (backslashes % 2 == 0) return quote + 1;
        q = quote + 1;
    }
}

// The end of the value starting at `s[p]`, or npos when it is not well formed enough to skip.
std::size_t value_end(std::string_view s, std::size_t p) noexcept {
    if (p >= s.size()) return std::string_view::npos;
    const char c = s[p];
    if (c == '"') return string_end(s, p);
    if (c == '{' || c == '[') {
        int depth = 0;
        for (std::size_t q = p; q < s.size(); ++q) {
            const char d = s[q];
            if (d == '"') {
                q = string_end(s, q);
                if (q == std::string_view::npos) return q;
                --q;
            } else if (d == '{' || d == '[') {
                if (++depth > 64) return std::string_view::npos;
            } else if (d == '}' || d == ']') {
                if (--depth == 0) return q + 1;
            }
        }
        return std::string_view::npos;
    }
    std::size_t q = p;
    while (q < s.size() && s[q] != ',' && s[q] != '}' && s[q] != ']' && !space(s[q])) ++q;
    return q == p ? std::string_view::npos : q;
}

// Calls on_member(key, raw value) for each member of the object `s` (keys as written, without quotes).
template <class F>
bool for_each_member(std::string_view s, F&& on_member) {
    std::size_t p = skip_space(s, 0);
    if (p >= s.size() || s[p] != '{') return false;
    p = skip_space(s, p + 1);
    if (p < s.size() && s[p] == '}') return true;
    for (;;) {
        if (p >= s.size() || s[p] != '"') return false;
        const std::size_t key_end = string_end(s, p);
        if (key_end == std::string_view::npos) return false;
        const std::string_view key = s.substr(p + 1, key_end - p - 2);
        p = skip_space(s, key_end);
        if (p >= s.size() || s[p] != ':') return false;
        p = skip_space(s, p + 1);
        const std::size_t end = value_end(s, p);
        if (end == std::string_view::npos) return false;
        on_member(key, s.substr(p, end - p));
        p = skip_space(s, end);
        if (p < s.size() && s[p] == ',') {
            p = skip_space(s, p + 1);
            continue;
        }
        return p < s.size() && s[p] == '}';
    }
}

int hex(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

unsigned hex4(std::string_view s, std::size_t p, bool& ok) noexcept {
    unsigned v = 0;
    for (std::size_t i = 0; i < 4; ++i) {
        const int h = p + i < s.size() ? hex(s[p + i]) : -1;
        if (h < 0) ok = false;
        v = v * 16 + static_cast<unsigned>(h < 0 ? 0 : h);
    }
    return v;
}

void put_utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

// Appends the text of the JSON string `raw` (with its quotes) to `out`; false on a bad escape.
bool unescape(std::string_view raw, std::string& out) {
    const std::string_view s = raw.substr(1, raw.size() - 2);
    std::size_t p = 0;
    while (p < s.size()) {
        const void* hit = std::memchr(s.data() + p, '\\', s.size() - p);
        const std::size_t bs = hit ? static_cast<std::size_t>(static_cast<const char*>(hit) - s.data()) : s.size();
        out.append(s.data() + p, bs - p);
        if (bs >= s.size()) break;
        if (bs + 1 >= s.size()) return false;
        const char e = s[bs + 1];
        p = bs + 2;
        switch (e) {
            case '"': out.push_back('"'); break;
            case '\\': out.push_back('\\'); break;
            case '/': out.push_back('/'); break;
            case 'b': out.push_back('\b'); break;
            case 'f': out.push_back('\f'); break;
            case 'n': out.push_back('\n'); break;
            case 'r': out.push_back('\r'); break;
            case 't': out.push_back('\t'); break;
            case 'u': {
                bool ok = true;
                unsigned cp = hex4(s, p, ok);
                if (!ok) return false;
                p += 4;
                if (cp >= 0xD800 && cp < 0xDC00 && p + 6 <= s.size() && s[p] == '\\' && s[p + 1] == 'u') {
                    const unsigned lo = hex4(s, p + 2, ok);
                    if (ok && lo >= 0xDC00 && lo < 0xE000) {
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                        p += 6;
                    }
                }
                if (cp >= 0xD800 && cp < 0xE000) cp = 0xFFFD;  // a lone surrogate
                put_utf8(out, cp);
                break;
            }
            default: return false;
        }
    }
    return true;
}

// journald writes a field that is not printable UTF-8 as an array of its bytes: [104,105].
bool byte_array(std::string_view raw, std::string& out) {
    std::size_t p = skip_space(raw, 1);
    while (p < raw.size() && raw[p] != ']') {
        unsigned v = 0;
        std::size_t digits = 0;
        while (p < raw.size() && raw[p] >= '0' && raw[p] <= '9' && digits < 4) v = v * 10 + static_cast<unsigned>(raw[p++] - '0'), ++digits;
        if (digits == 0 || v > 255) return false;
        out.push_back(static_cast<char>(v));
        p = skip_space(raw, p);
        if (p < raw.size() && raw[p] == ',') p = skip_space(raw, p + 1);
    }
    return true;
}

// A string value without its quotes when it has no escapes (times, hosts, streams); empty otherwise.
std::string_view plain(std::string_view raw) noexcept {
    if (raw.size() < 2 || raw.front() != '"') {
        // Numbers (Fluent Bit's "date": 1701770401.123) are kept as written.
        return !raw.empty() && raw.front() >= '0' && raw.front() <= '9' ? raw : std::string_view{};
    }
    const std::string_view s = raw.substr(1, raw.size() - 2);
    return s.find('\\') == std::string_view::npos ? s : std::string_view{};
}

EnvelopeTime time_kind(std::string_view t) noexcept {
    if (t.empty()) return EnvelopeTime::none;
    if (t.size() >= 10 && t[4] == '-') return EnvelopeTime::iso8601;
    return EnvelopeTime::epoch;
}

enum class Kind { docker, journald, shipper };

class JsonEnvelope final : public Envelope {
public:
    JsonEnvelope(Kind kind, std::string_view name, std::string_view description)
        : kind_(kind), name_(name), description_(description) {}
    std::string_view name() const noexcept override { return name_; }
    std::string_view description() const noexcept override { return description_; }
    bool joins() const noexcept override { return kind_ == Kind::docker; }

    bool peel(std::string_view line, Peeled& out, std::string& scratch) const override {
        if (line.empty() || (line.front() != '{' && line.front() != ' ')) return false;
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
        std::string_view message, log, time;
        bool have_time = false, cursor = false;
        const bool ok = for_each_member(line, [&](std::string_view key, std::string_view value) {
            switch (kind_) {
                case Kind::docker:
                    if (key == "log") log = value;
                    else if (key == "stream") out.stream = plain(value);
                    else if (key == "time") time = plain(value), have_time = true;
                    break;
                case Kind::journald:
                    if (key == "MESSAGE") message = value;
                    else if (key == "__REALTIME_TIMESTAMP") time = plain(value);
                    else if (key == "_HOSTNAME") out.host = plain(value);
                    else if (key == "SYSLOG_IDENTIFIER") out.app = plain(value);
                    else if (key == "__CURSOR") cursor = true;
                    break;
                case Kind::shipper:
                    // textPayload: a Cloud Logging LogEntry carrying a line (GKE containers' stdout).
                    if (key == "message" || key == "textPayload") message = value;
                    else if (key == "log") log = value;
                    else if (key == "@timestamp" || ((key == "timestamp" || key == "time" || key == "date") && time.empty()))
                        time = plain(value);
                    else if (key == "host" || (key == "hostname" && out.host.empty())) out.host = host(value);
                    else if (key == "stream") out.stream = plain(value);
                    break;
            }
        });
        if (!ok) return false;
        scratch.clear();
        switch (kind_) {
            case Kind::docker: {
                if (!have_time || log.empty() || log.front() != '"' || !unescape(log, scratch)) return false;
                // Each entry ends with the '\n' the container wrote; without one the line goes on.
                out.partial = scratch.empty() || scratch.back() != '\n';
                if (!out.partial) scratch.pop_back();
                break;
            }
            case Kind::journald:
                if (message.empty() || (time.empty() && !cursor)) return false;
                if (message.front() == '"') {
                    if (!unescape(message, scratch)) return false;
                } else if (message.front() == '[') {
                    // Bytes that are not printable UTF-8, or a field logged more than once (its first value).
                    const std::size_t first = skip_space(message, 1);
                    if (first < message.size() && message[first] == '"') {
                        const std::size_t end = string_end(message, first);
                        if (end == std::string_view::npos || !unescape(message.substr(first, end - first), scratch))
                            return false;
                    } else if (!byte_array(message, scratch)) {
                        return false;
                    }
                } else {
                    return false;  // null: a value over journalctl's size limit (shown with --all)
                }
                break;
            case Kind::shipper: {
                const std::string_view raw = !message.empty() && message.front() == '"' ? message : log;
                if (raw.empty() || raw.front() != '"' || !unescape(raw, scratch)) return false;
                if (!scratch.empty() && scratch.back() == '\n') scratch.pop_back();
                break;
            }
        }
        if (!scratch.empty() && scratch.back() == '\r') scratch.pop_back();
        out.time = time;
        out.time_kind = time_kind(time);
        out.line = scratch;
        return true;
    }

private:
    // "host": "web1" (Vector) or {"name": "web1", "hostname": ...} (Filebeat, Elastic Agent: ECS host.name).
    static std::string_view host(std::string_view raw) {
        if (!raw.empty() && raw.front() == '{') {
            std::string_view name, hostname;
            for_each_member(raw, [&](std::string_view k, std::string_view v) {
                if (k == "name") name = plain(v);
                else if (k == "hostname") hostname = plain(v);
            });
            return name.empty() ? hostname : name;
        }
        return plain(raw);
    }

    Kind kind_;
    std::string_view name_, description_;
};

const JsonEnvelope kDocker(Kind::docker, "docker",
                           "Docker json-file driver: {\"log\":..., \"stream\":..., \"time\":...}, cut lines joined");
const JsonEnvelope kJournald(Kind::journald, "journald", "journalctl -o json: MESSAGE, _HOSTNAME, __REALTIME_TIMESTAMP");
const JsonEnvelope kShipper(Kind::shipper, "json",
                            "a log shipper's JSON event with the line in \"message\" (Filebeat, Elastic Agent, "
                            "Vector) or \"log\" (Fluent Bit, Fluentd)");

}  // namespace

const Envelope& docker_envelope() noexcept { return kDocker; }
const Envelope& journald_envelope() noexcept { return kJournald; }
const Envelope& shipper_envelope() noexcept { return kShipper; }

}  // namespace logcodes
