#include "logcodes/simd.hpp"

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define LOGCODES_X86 1
#endif

namespace logcodes::simd {

namespace {

using MaskFn = void (*)(const char*, std::size_t, char, std::uint64_t*) noexcept;

[[maybe_unused]] void masks_scalar(const char* p, std::size_t words, char c, std::uint64_t* out) noexcept {
    for (std::size_t w = 0; w < words; ++w, p += 64) {
        std::uint64_t m = 0;
        for (unsigned i = 0; i < 64; ++i) m |= static_cast<std::uint64_t>(p[i] == c) << i;
        out[w] = m;
    }
}

#ifdef LOGCODES_X86
void masks_sse2(const char* p, std::size_t words, char c, std::uint64_t* out) noexcept {
    const __m128i n = _mm_set1_epi8(c);
    for (std::size_t w = 0; w < words; ++w, p += 64) {
        std::uint64_t m = 0;
        for (unsigned i = 0; i < 4; ++i) {
            const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i));
            m |= static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, n))))
                 << (16 * i);
        }
        out[w] = m;
    }
}

__attribute__((target("avx2"))) void masks_avx2(const char* p, std::size_t words, char c,
                                                std::uint64_t* out) noexcept {
    const __m256i n = _mm256_set1_epi8(c);
    for (std::size_t w = 0; w < words; ++w, p += 64) {
        const __m256i lo = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
        const __m256i hi = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32));
        const auto l = static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, n)));
        const auto h = static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, n)));
        out[w] = l | (static_cast<std::uint64_t>(h) << 32);
    }
}

__attribute__((target("avx512f,avx512bw"))) void masks_avx512(const char* p, std::size_t words, char c,
                                                              std::uint64_t* out) noexcept {
    const __m512i n = _mm512_set1_epi8(c);
    for (std::size_t w = 0; w < words; ++w, p += 64)
        out[w] = _mm512_cmpeq_epi8_mask(_mm512_loadu_si512(p), n);
}
#endif

struct Choice {
    MaskFn masks;
    std::string_view name;
};

Choice choose() noexcept {
#ifdef LOGCODES_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512bw")) return {masks_avx512, "avx512bw"};
    if (__builtin_cpu_supports("avx2")) return {masks_avx2, "avx2"};
    return {masks_sse2, "sse2"};
#else
    return {masks_scalar, "scalar"};
#endif
}

const Choice& chosen() noexcept {
    static const Choice c = choose();
    return c;
}

}  // namespace

std::string_view active_isa() noexcept { return chosen().name; }

void byte_masks(const char* p, std::size_t words, char c, std::uint64_t* out) noexcept {
    chosen().masks(p, words, c, out);
}

}  // namespace logcodes::simd
