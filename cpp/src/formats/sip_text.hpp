// Text of SIP header values (RFC 3261 §25): case-insensitive tokens, trimmed values and ";name=value"
// parameters. Shared by the trace parser and the Reason header reader; inline because the parser calls
// them for every header line.
#pragma once

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
    while (v.size() - e >= 16) {
        const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(v.data() + e));
        const __m128i hit = _mm_or_si128(
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(';')), _mm_cmpeq_epi8(x, _mm_set1_epi8(','))),
                         _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(' ')), _mm_cmpeq_epi8(x, _mm_set1_epi8('>')))),
            _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('\t')), _mm_cmpeq_epi8(x, _mm_set1_epi8('\r'))));
        if (const unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(hit))) {
            return v.substr(b, e + static_cast<std::size_t>(__builtin_ctz(mask)) - b);
        }
        e += 16;
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
    for (std::size_t k = find_in(v, 0, ';'); k != std::string_view::npos; k = find_in(v, k + 1, ';'))
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

}  // namespace logcodes::sip_text
