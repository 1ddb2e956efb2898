// SIMD kernels chosen at run time: the package is built for the baseline x86-64 (never -march=native),
// and the best kernel the CPU supports (AVX-512BW, AVX2, SSE2; plain C++ elsewhere) is picked once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace logcodes::simd {

// The instruction set the kernels use on this CPU: "avx512bw", "avx2", "sse2" or "scalar".
std::string_view active_isa() noexcept;

// For each 64-byte word of [p, p + 64 * words): bit i of out[w] is set when p[64 * w + i] == c.
// Reads exactly those bytes (callers with a shorter tail pad or mask it).
void byte_masks(const char* p, std::size_t words, char c, std::uint64_t* out) noexcept;

}  // namespace logcodes::simd
