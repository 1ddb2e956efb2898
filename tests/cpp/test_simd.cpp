#include "logcodes/simd.hpp"
#include "logcodes/find.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <memory>
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

TEST(Simd, FindTextAgreesWithStringViewFind) {
    // Small alphabets make near misses (first and last byte agree, the middle does not) common; texts are cut
    // out of a larger buffer so that a read past their end would be seen by the sanitizers.
    std::mt19937 rng(11);
    const std::string alphabet = "ab\"r: \xff";
    for (int round = 0; round < 20000; ++round) {
        std::string buffer(static_cast<std::size_t>(rng() % 80), '\0');
        for (char& c : buffer) c = alphabet[rng() % alphabet.size()];
        const std::string needle_text = buffer.substr(rng() % (buffer.size() + 1), rng() % 6);
        std::string needle = needle_text;
        if (rng() % 3 == 0)
            for (std::size_t i = 0; i < (rng() % 4); ++i) needle.push_back(alphabet[rng() % alphabet.size()]);
        const std::unique_ptr<char[]> exact(new char[buffer.size() + 1]);
        std::memcpy(exact.get(), buffer.data(), buffer.size());
        const std::string_view s(exact.get(), buffer.size());
        const std::size_t from = rng() % (s.size() + 2);
        ASSERT_EQ(logcodes::find_text(s, needle, from), s.find(needle, from))
            << "text '" << buffer << "' needle '" << needle << "' from " << from;
    }
    const std::string line = "2026/12/05 10:00:01 [error] 1#1: *5 x, client: 10.0.0.1, request: \"GET / HTTP/1.1\"";
    EXPECT_EQ(logcodes::find_text(line, "request: \""), line.find("request: \""));
    EXPECT_EQ(logcodes::find_text(line, "request_id: \""), std::string_view::npos);
}

}  // namespace
