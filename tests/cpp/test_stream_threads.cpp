// A StreamScanner shared by threads: feeding from several threads while another takes windows loses and
// doubles nothing (run under ThreadSanitizer by `make test SANITIZE=1`: see the Makefile's tsan step).
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "logcodes/stream.hpp"

namespace logcodes {
namespace {

std::uint64_t total(const Aggregator& a) {
    std::uint64_t n = 0;
    a.for_each([&](std::span<const KeyValue>, std::uint64_t c) { n += c; });
    return n;
}

TEST(StreamThreads, FeedersAndATakerCountEveryLineOnce) {
    StreamScanner s(options_for("common", GroupSpec{{Dim::code}}));
    constexpr int kFeeders = 4, kLinesEach = 2000;
    std::atomic<int> running{kFeeders};
    std::atomic<std::uint64_t> taken{0};
    std::vector<std::thread> threads;
    for (int f = 0; f < kFeeders; ++f)
        threads.emplace_back([&, f] {
            // Whole lines per feed: pieces of different threads interleave only at line boundaries.
            const std::string line = "10.0.0." + std::to_string(f) +
                                     " - - [10/Oct/2000:13:55:36 -0700] \"GET /a HTTP/1.0\" 200 5\n";
            for (int i = 0; i < kLinesEach; ++i) s.feed(line);
            --running;
        });
    std::thread taker([&] {
        while (running.load() > 0) {
            auto [counts, stats] = s.take();
            taken += total(counts);
            (void)s.committed();
            (void)s.snapshot();
            (void)s.format_name();
        }
    });
    for (auto& t : threads) t.join();
    taker.join();
    s.finish();
    auto [counts, stats] = s.take();
    taken += total(counts);
    EXPECT_EQ(taken.load(), std::uint64_t{kFeeders} * kLinesEach);
    EXPECT_EQ(s.format_name(), "common");
}

}  // namespace
}  // namespace logcodes
