#include "logcodes/formats/access_log.hpp"

#include <cstring>

#include "logcodes/find.hpp"
#include "logcodes/time.hpp"

namespace logcodes {

namespace {

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// Number of backslashes immediately before position `q`: odd means the quote at q is escaped.
bool escaped(std::string_view s, std::size_t q) noexcept {
    std::size_t n = 0;
    while (q > n && s[q - n - 1] == '\\') ++n;
    return (n & 1u) != 0;
}

std::size_t token_end(std::string_view s, std::size_t from) noexcept {
    const std::size_t sp = find_in(s, from, ' ');
    return sp == std::string_view::npos ? s.size() : sp;
}

// A token that can stand where the status is: digits (any count up to 6, judged later) or "-".
bool status_like(std::string_view t) noexcept {
    if (t.size() == 3) return is_digit(t[0]) && is_digit(t[1]) && is_digit(t[2]);  // nearly always
    if (t == "-") return true;
    if (t.empty() || t.size() > 6) return false;
    for (char c : t)
        if (!is_digit(c)) return false;
    return true;
}

bool size_like(std::string_view t) noexcept {
    if (t == "-") return true;
    if (t.empty()) return false;
    for (char c : t)
        if (!is_digit(c)) return false;
    return true;
}

// End of the quoted field opening at `open` (the position of its '"'): the first unescaped quote that is
// followed by a space or the end of the line. npos when the field never closes.
std::size_t quoted_end(std::string_view s, std::size_t open) noexcept {
    std::size_t q = open + 1;
    for (;;) {
        q = s.find('"', q);
        if (q == std::string_view::npos) return q;
        if (!escaped(s, q) && (q + 1 == s.size() || s[q + 1] == ' ')) return q;
        ++q;
    }
}

bool method_char(char c) noexcept {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '_';
}

}  // namespace

void split_request(std::string_view req, Record& out) noexcept {
    out.method = {};
    out.target = {};
    if (!out.split_requests) return;
    const std::size_t s1 = find_in(req, 0, ' ');
    if (s1 == std::string_view::npos || s1 == 0 || s1 > 32) return;  // "-", garbage, TLS bytes
    if (!((req[0] >= 'A' && req[0] <= 'Z') || (req[0] >= 'a' && req[0] <= 'z'))) return;  // "- - -" (ELB TCP)
    for (std::size_t i = 0; i < s1; ++i)
        if (!method_char(req[i])) return;
    out.method = req.substr(0, s1);
    std::string_view rest = req.substr(s1 + 1);
    // The usual request ends in " HTTP/1.1": check that first rather than searching the whole target.
    constexpr std::size_t kProto = sizeof(" HTTP/1.1") - 1;
    if (rest.size() > kProto && rest[rest.size() - kProto] == ' ' &&
        rest.substr(rest.size() - kProto + 1, 5) == "HTTP/" &&
        rest.substr(rest.size() - 3).find(' ') == std::string_view::npos) {
        out.target = rest.substr(0, rest.size() - kProto);
        return;
    }
    const std::size_t s2 = rest.rfind(' ');
    if (s2 != std::string_view::npos && rest.substr(s2 + 1).starts_with("HTTP/")) rest = rest.substr(0, s2);
    out.target = rest;
}

bool AccessLogFormat::parse_core(std::string_view line, Record& out, std::size_t& after_bytes) const noexcept {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) return false;
    out.clear();
    out.time_syntax = TimeSyntax::clf;

    // Prefix: [vhost:port] client ident user — then " [".
    std::size_t p = 0;
    if (layout_.vhost_first) {
        const std::size_t e = token_end(line, 0);
        std::string_view vhost = line.substr(0, e);
        // %v:%p always ends in a port: without one this is not a vhost_combined line.
        const std::size_t colon = vhost.rfind(':');
        if (colon == std::string_view::npos || colon + 1 >= vhost.size()) return false;
        for (char c : vhost.substr(colon + 1))
            if (!is_digit(c)) return false;
        out.host = vhost.substr(0, colon);
        p = e + 1;
        if (p >= line.size()) return false;
    }
    out.client = line.substr(p, token_end(line, p) - p);

    // " [" opens the time: look for the bracket, then check the space before it.
    std::size_t lb = p;
    for (;;) {
        lb = find_in(line, lb + 1, '[');
        if (lb == std::string_view::npos) return false;
        if (line[lb - 1] == ' ') break;
    }
    --lb;
    const std::size_t rb = find_in(line, lb + 2, ']');
    if (rb == std::string_view::npos) return false;
    out.time = line.substr(lb + 2, rb - lb - 2);
    if (rb + 2 >= line.size() || line[rb + 1] != ' ' || line[rb + 2] != '"') return false;

    // The request ends at the first unescaped quote followed by a status-like token; requests may hold
    // spaces, "-", or (badly escaped) quotes of their own.
    const std::size_t qs = rb + 3;
    std::size_t fallback = std::string_view::npos;
    std::size_t q = qs;
    std::size_t req_end = std::string_view::npos;
    std::size_t status_end = std::string_view::npos;
    for (;;) {
        q = find_in(line, q, '"');
        if (q == std::string_view::npos) break;
        if (!escaped(line, q) && q + 2 < line.size() && line[q + 1] == ' ' && line[q + 2] != ' ') {
            const std::size_t te = token_end(line, q + 2);
            if (status_like(line.substr(q + 2, te - q - 2))) {
                req_end = q;
                status_end = te;
                break;
            }
            if (fallback == std::string_view::npos) fallback = q;
        }
        ++q;
    }
    if (req_end == std::string_view::npos) req_end = fallback;  // a non-numeric status: invalid, not lost
    if (req_end == std::string_view::npos) return false;

    split_request(line.substr(qs, req_end - qs), out);
    const std::size_t ss = req_end + 2;
    const std::size_t se = status_end != std::string_view::npos ? status_end : token_end(line, ss);
    out.status = line.substr(ss, se - ss);
    if (se < line.size()) {
        const std::size_t be = token_end(line, se + 1);
        out.bytes = line.substr(se + 1, be - se - 1);
        after_bytes = be;
    } else {
        after_bytes = se;
    }
    return true;
}

bool AccessLogFormat::parse(std::string_view line, Record& out) const noexcept {
    std::size_t after_bytes = 0;
    return parse_core(line, out, after_bytes);
}

std::unique_ptr<Parser> AccessLogFormat::make_parser() const {
    return std::make_unique<FinalFormatParser<AccessLogFormat>>(*this);
}

bool AccessLogFormat::strict(std::string_view line, const Record&) const noexcept { return matches(line); }

bool AccessLogFormat::matches(std::string_view line) const noexcept {
    Record r;
    std::size_t p = 0;
    if (!parse_core(line, r, p)) return false;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!status_like(r.status) || !size_like(r.bytes) || parse_clf_time(r.time) == kNoTime) return false;

    // Exactly the prefix tokens before "[time]".
    const std::size_t lb = line.find(" [");
    int tokens = 1;
    for (std::size_t i = 0; i < lb; ++i) tokens += line[i] == ' ';
    if (tokens != layout_.prefix_tokens) return false;
    if (layout_.vhost_first) {
        const std::string_view first = line.substr(0, line.find(' '));
        const std::size_t colon = first.rfind(':');
        if (colon == std::string_view::npos || colon + 1 == first.size() || !is_digit(first[colon + 1])) return false;
    }

    // Exactly the trailing quoted fields.
    int quoted = 0;
    while (p < line.size()) {
        if (line[p] != ' ' || p + 1 >= line.size() || line[p + 1] != '"') return false;
        const std::size_t e = quoted_end(line, p + 1);
        if (e == std::string_view::npos) return false;
        ++quoted;
        p = e + 1;
    }
    return quoted == layout_.trailing_quoted;
}

}  // namespace logcodes
