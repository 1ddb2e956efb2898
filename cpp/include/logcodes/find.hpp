// Short searches within one line (a quote, a bracket, the next space): 16 bytes at a time, inline.
//
// A parser looks for several structural bytes in each line, most of them a few dozen bytes away. A
// library memchr call costs more in call and set-up than such a search; SSE2 compares are part of every
// x86-64 CPU, so they need no run-time dispatch. Never reads outside [p, end).
#pragma once

#include <cstddef>
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

}  // namespace logcodes
