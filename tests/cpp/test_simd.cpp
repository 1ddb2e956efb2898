#include "logcodes/simd.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace {

TEST(Simd, ActiveKernelNamed) {
    const auto isa = logcodes::simd::active_isa();
    EXPECT_TRUE(isa == "avx512bw" || isa == "avx2" || isa == "sse2" || isa == "scalar") << isa;
}

TEST(Simd, ByteMasksMatchAPlainLoop) {
    std::mt19937 rng(7);
    for (std::size_t words : {1u, 2u, 3u, 64u, 65u}) {
        std::string data(words * 64, '\0');
        for (char& c : data) c = static_cast<char>(rng() % 4 == 0 ? '\n' : rng() % 256);
        std::vector<std::uint64_t> got(words);
        logcodes::simd::byte_masks(data.data(), words, '\n', got.data());
        for (std::size_t w = 0; w < words; ++w) {
            std::uint64_t want = 0;
            for (unsigned i = 0; i < 64; ++i) want |= static_cast<std::uint64_t>(data[w * 64 + i] == '\n') << i;
            EXPECT_EQ(got[w], want) << "word " << w << " of " << words;
        }
    }
}

TEST(Simd, HighBytesAreNotConfusedWithTheNeedle) {
    // Signed-char compares: 0x8a must not match '\n' (0x0a), and 0xff must match only itself.
    std::string data(64, static_cast<char>(0x8a));
    data[5] = '\n';
    data[63] = static_cast<char>(0xff);
    std::uint64_t m = 0;
    logcodes::simd::byte_masks(data.data(), 1, '\n', &m);
    EXPECT_EQ(m, std::uint64_t{1} << 5);
    logcodes::simd::byte_masks(data.data(), 1, static_cast<char>(0xff), &m);
    EXPECT_EQ(m, std::uint64_t{1} << 63);
}

}  // namespace
