// Text of SIP header values (RFC 3261 §25): case-insensitive tokens, trimmed values and ";name=value"
// parameters. Shared by the trace parser and the Reason header reader; inline because the parser calls
// them for every header line.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <string_view>

#include "logcodes/find.hpp"

namespace logcodes::sip_text {

inline bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// ASCII case folding inline: the locale-aware tolower() call costs more than the rest of a header.
inline char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

inline bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i])) return false;
    return true;
}

// What trim() drops at the front (space, tab) and at the back (also '\r'): a table lookup per byte.
inline constexpr auto kTrimFront = [] {
    std::array<bool, 256> t{};
    t[' '] = t['\t'] = true;
    return t;
}();
inline constexpr auto kTrimBack = [] {
    std::array<bool, 256> t = kTrimFront;
    t['\r'] = true;
    return t;
}();

inline std::string_view trim(std::string_view s) noexcept {
    // Most header values: one space after the colon and none at the end (bytes over ' ' are never trimmed).
    if (s.size() >= 2 && s[0] == ' ' && static_cast<unsigned char>(s[1]) > ' ' &&
        static_cast<unsigned char>(s.back()) > ' ')
        return s.substr(1);
    const char* b = s.data();
    const char* e = b + s.size();
    while (b != e && kTrimFront[static_cast<unsigned char>(*b)]) ++b;
    while (e != b && kTrimBack[static_cast<unsigned char>(e[-1])]) --e;
    return {b, static_cast<std::size_t>(e - b)};
}

// Bytes that end a parameter value: one table lookup per byte instead of four compares.
inline constexpr auto kParamEnd = [] {
    std::array<bool, 256> t{};
    for (unsigned char c : {';', ',', ' ', '>', '\t', '\r'}) t[c] = true;
    return t;
}();

inline std::string_view param_value(std::string_view v, std::size_t b) noexcept {
    std::size_t e = b;
#if defined(__SSE2__)
    // Tags and branches run 10-40 bytes: 16 at a time against the six ending bytes.
    const auto ends = [](const char* at) {
        const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
        const __m128i hit = _mm_or_si128(
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(';')), _mm_cmpeq_epi8(x, _mm_set1_epi8(','))),
                         _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(' ')), _mm_cmpeq_epi8(x, _mm_set1_epi8('>')))),
            _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('\t')), _mm_cmpeq_epi8(x, _mm_set1_epi8('\r'))));
        return static_cast<unsigned>(_mm_movemask_epi8(hit));
    };
    while (v.size() - e >= 16) {
        if (const unsigned mask = ends(v.data() + e)) return v.substr(b, e + static_cast<std::size_t>(__builtin_ctz(mask)) - b);
        e += 16;
    }
    // A tail under 16 bytes (a tag at the end of a From): the value's last 16 bytes, those before `e` dropped.
    if (e < v.size() && v.size() >= 16) {
        const std::size_t skip = 16 - (v.size() - e);
        const unsigned mask = ends(v.data() + v.size() - 16) >> skip;
        return v.substr(b, (mask ? e + static_cast<std::size_t>(__builtin_ctz(mask)) : v.size()) - b);
    }
#endif
    while (e < v.size() && !kParamEnd[static_cast<unsigned char>(v[e])]) ++e;
    return v.substr(b, e - b);
}

// A parameter of a header value: ";tag=abc" -> "abc". `lower_key` is ";tag=" (the common spelling, found
// with one search); other spellings (";TAG =", "; tag=") fall back to a careful walk.
template <std::size_t K>
inline std::string_view param(std::string_view v, std::string_view name, const char (&lower_key_text)[K]) noexcept {
    const std::string_view lower_key(lower_key_text, K - 1);
    // Each ';' (a few per value) is found with the inline search: a library call costs more than these values.
    const std::size_t semi = find_in(v, 0, ';');
    if (semi == std::string_view::npos) return {};  // no parameter at all (a To before the answer)
    for (std::size_t k = semi; k != std::string_view::npos; k = find_in(v, k + 1, ';'))
        if (v.substr(k).starts_with(lower_key)) return param_value(v, k + lower_key.size());
    std::size_t p = 0;
    while ((p = v.find(';', p)) != std::string_view::npos) {
        ++p;
        while (p < v.size() && v[p] == ' ') ++p;
        if (v.size() - p > name.size() && v[p + name.size()] == '=' && iequals(v.substr(p, name.size()), name))
            return param_value(v, p + name.size() + 1);
    }
    return {};
}

// The user and host of a SIP, SIPS or tel URI (RFC 3261 §19.1.1, RFC 3966): "sip:alice@atlanta.com:5060;
// transport=udp" -> "alice", "atlanta.com"; "sip:[2001:db8::1]:5060" -> "", "[2001:db8::1]"; "tel:+1555;
// phone-context=x" -> "+1555", "". The password, port, parameters and headers are not part of either.
struct UriParts {
    std::string_view user, host;
};
inline UriParts uri_parts(std::string_view uri) noexcept {
    UriParts out;
    const std::size_t colon = uri.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon > 6) return out;  // no scheme: not a URI
    const std::string_view scheme = uri.substr(0, colon);
    std::string_view rest = uri.substr(colon + 1);
    if (iequals(scheme, "tel")) {
        out.user = rest.substr(0, rest.find(';'));
        return out;
    }
    if (!iequals(scheme, "sip") && !iequals(scheme, "sips")) return out;
    rest = rest.substr(0, rest.find('?'));
    // The user part ends at the last '@' before any parameter of the host (a user may hold ';' itself:
    // "sip:+1555;phone-context=x@host;user=phone").
    const std::size_t at = rest.rfind('@');
    if (at != std::string_view::npos) {
        out.user = rest.substr(0, std::min(at, rest.substr(0, at).find(':')));  // never the password
        rest = rest.substr(at + 1);
    }
    if (!rest.empty() && rest[0] == '[') {
        const std::size_t close = rest.find(']');
        out.host = close == std::string_view::npos ? rest : rest.substr(0, close + 1);
    } else {
        std::size_t e = 0;
        while (e < rest.size() && rest[e] != ':' && rest[e] != ';') ++e;
        out.host = rest.substr(0, e);
    }
    return out;
}

// The URI of a From or To value (RFC 3261 §20.20, §20.39): in angle brackets after an optional display
// name ("\"Alice\" <sip:alice@atlanta.com>;tag=1928"), or bare, when the header's own parameters follow a ';'.
inline std::string_view header_uri(std::string_view value) noexcept {
    std::size_t open = std::string_view::npos;
    bool quoted = false;
    for (std::size_t i = 0; i < value.size(); ++i) {  // a '<' inside a quoted display name is no bracket
        if (value[i] == '"' && (i == 0 || value[i - 1] != '\\')) quoted = !quoted;
        else if (value[i] == '<' && !quoted) { open = i; break; }
    }
    if (open != std::string_view::npos) {
        const std::size_t close = value.find('>', open + 1);
        return trim(value.substr(open + 1, close == std::string_view::npos ? std::string_view::npos : close - open - 1));
    }
    return trim(value.substr(0, value.find(';')));
}

}  // namespace logcodes::sip_text
