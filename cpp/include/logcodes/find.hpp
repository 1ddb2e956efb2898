// Short searches within one line (a quote, a bracket, the next space): 16 bytes at a time, inline.
//
// A parser looks for several structural bytes in each line, most of them a few dozen bytes away. A
// library memchr call costs more in call and set-up than such a search; SSE2 compares are part of every
// x86-64 CPU, so they need no run-time dispatch. Never reads outside [p, end).
#pragma once

#include <cstddef>
#include <cstring>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace logcodes {

inline const char* find_byte(const char* p, const char* end, char c) noexcept {
#if defined(__SSE2__)
    const __m128i needle = _mm_set1_epi8(c);
    while (end - p >= 16) {
        const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        const unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(block, needle)));
        if (mask) return p + __builtin_ctz(mask);
        p += 16;
    }
#endif
    for (; p < end; ++p)
        if (*p == c) return p;
    return end;
}

// Position of the first `c` in `s` at or after `from`; npos when there is none.
inline std::size_t find_in(std::string_view s, std::size_t from, char c) noexcept {
    if (from >= s.size()) return std::string_view::npos;
    const char* hit = find_byte(s.data() + from, s.data() + s.size(), c);
    return hit == s.data() + s.size() ? std::string_view::npos : static_cast<std::size_t>(hit - s.data());
}

// Position of the first occurrence of `needle` in `s` at or after `from` (as std::string_view::find); npos when
// there is none. Compares the needle's first and last bytes 16 positions at a time and checks the whole
// needle only where both agree: error-log messages are searched for several keys each, and a key's first
// letter alone ("request: " -> 'r') occurs dozens of times per line.
inline std::size_t find_text(std::string_view s, std::string_view needle, std::size_t from = 0) noexcept {
    const std::size_t n = needle.size();
    if (from > s.size() || n > s.size() - from) return std::string_view::npos;
    if (n == 0) return from;
    const char* const base = s.data();
    const char* p = base + from;
    const char* const last = base + s.size() - n;  // the last position the needle may start at
    const char first = needle.front(), final = needle.back();
#if defined(__SSE2__)
    const __m128i f = _mm_set1_epi8(first), l = _mm_set1_epi8(final);
    // 16 starting positions at a time while their last bytes are inside s.
    while (last - p >= 15) {
        const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + n - 1));
        unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(a, f), _mm_cmpeq_epi8(b, l))));
        while (mask) {
            const unsigned i = static_cast<unsigned>(__builtin_ctz(mask));
            if (std::memcmp(p + i + 1, needle.data() + 1, n - 1) == 0)
                return static_cast<std::size_t>(p + i - base);
            mask &= mask - 1;
        }
        p += 16;
    }
#endif
    for (; p <= last; ++p)
        if (*p == first && p[n - 1] == final && std::memcmp(p, needle.data(), n) == 0)
            return static_cast<std::size_t>(p - base);
    return std::string_view::npos;
}

}  // namespace logcodes
