// The transaction filter folds retransmitted responses within a bounded window (calls.hpp).
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "logcodes/calls.hpp"

namespace {

using logcodes::TransactionFilter;

// A response of transaction `n`, stamped with an ISO 8601 time `seconds` after a fixed start (or no time).
struct Response {
    std::string call_id, time;
    logcodes::Record record;
    Response(int n, long long seconds = -1) : call_id("call-" + std::to_string(n)) {
        record.protocol = logcodes::Protocol::sip;
        record.kind = logcodes::RecordKind::response;
        record.status = "200";
        record.sip.call_id = call_id;
        record.sip.cseq = 1;
        record.sip.cseq_method = "INVITE";
        record.sip.branch = "z9hG4bK-1";
        if (seconds >= 0) {
            const long long h = seconds / 3600, m = seconds / 60 % 60, s = seconds % 60;
            char buf[32];
            std::snprintf(buf, sizeof buf, "2026-11-23 %02lld:%02lld:%02lld", h % 24, m, s);
            time = buf;
            record.time = time;
            record.time_syntax = logcodes::TimeSyntax::iso8601;
        }
    }
};

TEST(TransactionFilter, RetransmissionWithinTheWindowCountsOnce) {
    TransactionFilter seen;
    const Response a(1, 0);
    EXPECT_TRUE(seen.first(a.record));
    EXPECT_FALSE(seen.first(a.record));
    Response other_code(1, 0);
    other_code.record.status = "486";
    EXPECT_TRUE(seen.first(other_code.record));  // another response of the same transaction
}

// Without times, two generations of kNoTimeGeneration keys are kept: a response repeated after more
// distinct responses than that counts again, and memory does not grow with the trace.
TEST(TransactionFilter, WithoutTimesTheWindowIsBoundedByCount) {
    TransactionFilter seen;
    const int n = static_cast<int>(TransactionFilter::kNoTimeGeneration);
    EXPECT_TRUE(seen.first(Response(0).record));
    for (int i = 1; i < n; ++i) ASSERT_TRUE(seen.first(Response(i).record));
    EXPECT_FALSE(seen.first(Response(0).record));  // one generation back: still remembered
    for (int i = n; i < 2 * n + 1; ++i) ASSERT_TRUE(seen.first(Response(i).record));
    EXPECT_FALSE(seen.first(Response(n).record));       // the previous generation is kept
    EXPECT_TRUE(seen.first(Response(0).record));        // two generations back: forgotten
    EXPECT_EQ(seen.generation_size(), TransactionFilter::kNoTimeGeneration);
}

// A busy trace (many responses within the window's seconds) grows its generations so that a response
// repeated within the window is always folded; a quiet one keeps small generations.
TEST(TransactionFilter, BusyTracesGrowTheWindowToCoverItsSeconds) {
    TransactionFilter busy;
    const int n = 20 * static_cast<int>(TransactionFilter::kMinGeneration);
    for (int i = 0; i < n; ++i) ASSERT_TRUE(busy.first(Response(i, i / 2000).record));  // 2,000 per second
    EXPECT_FALSE(busy.first(Response(0, n / 2000).record));  // 41 s later: within the window
    EXPECT_GT(busy.generation_size(), TransactionFilter::kMinGeneration);

    TransactionFilter quiet;
    const int m = 3 * static_cast<int>(TransactionFilter::kMinGeneration);
    for (int i = 0; i < m; ++i) ASSERT_TRUE(quiet.first(Response(i, i).record));  // one per second
    EXPECT_EQ(quiet.generation_size(), TransactionFilter::kMinGeneration);
    EXPECT_FALSE(quiet.first(Response(m - 10, m).record));  // recent: remembered
    EXPECT_TRUE(quiet.first(Response(0, m).record));        // hours ago: forgotten
}

}  // namespace
