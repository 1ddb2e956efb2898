// StreamScanner::committed() and take(): a stage that stops anywhere and restarts from committed() with a
// new scanner counts every record exactly once, also for records that span lines (SIP messages, Java
// stack traces).
#include "logcodes/stream.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <tuple>

namespace {

using logcodes::Aggregator;
using logcodes::Dim;
using logcodes::GroupSpec;
using logcodes::KeyValue;
using logcodes::ScanStats;
using logcodes::StreamScanner;
using logcodes::options_for;

using Counts = std::map<std::int64_t, std::uint64_t>;   // code -> count

GroupSpec by_code() { return GroupSpec{{Dim::code}, 3600}; }

void add(Counts& into, const Aggregator& a) {
    a.for_each([&](std::span<const KeyValue> k, std::uint64_t n) { into[k[0].number] += n; });
}

struct Totals {
    Counts counts;
    std::uint64_t records = 0, events = 0, unparsed = 0, invalid = 0;
    void add_stats(const ScanStats& s) {
        records += s.total;
        events += s.events;
        unparsed += s.unparsed;
        invalid += s.invalid;
    }
    bool operator==(const Totals& o) const {
        return std::tie(counts, records, events, unparsed, invalid) ==
               std::tie(o.counts, o.records, o.events, o.unparsed, o.invalid);
    }
};

Totals scan_whole(const std::string& format, const std::string& bytes) {
    StreamScanner s(options_for(format, by_code()));
    s.feed(bytes);
    s.finish();
    Totals t;
    add(t.counts, s.counts());
    t.add_stats(s.stats());
    return t;
}

// Runs of a stage over `bytes`: each run reads some more (in pieces, taking a window now and then) and
// is killed; the next run starts a new scanner at the last run's committed offset. The last run finishes.
Totals scan_with_restarts(const std::string& format, const std::string& bytes, unsigned seed) {
    std::mt19937 rng(seed);
    Totals t;
    std::size_t resume = 0;
    while (true) {
        StreamScanner s(options_for(format, by_code()));
        std::size_t pos = resume;
        const std::size_t stop = std::min(bytes.size(), pos + 1 + rng() % (bytes.size() / 3 + 1));
        while (pos < stop) {
            const std::size_t n = std::min<std::size_t>(stop - pos, 1 + rng() % 400);
            s.feed(std::string_view(bytes).substr(pos, n));
            pos += n;
            if (rng() % 3 == 0) {   // a window ends: its counts are handed over
                auto [counts, stats] = s.take();
                add(t.counts, counts);
                t.add_stats(stats);
            }
        }
        const std::uint64_t committed = s.committed();   // counted from this scanner's first byte
        EXPECT_LE(committed, pos - resume);
        if (pos == bytes.size() && rng() % 2 == 0) {
            s.finish();
            EXPECT_EQ(s.committed(), pos - resume);
            auto [counts, stats] = s.take();
            add(t.counts, counts);
            t.add_stats(stats);
            return t;
        }
        // Killed: what was taken since the last checkpoint... is exactly what lies before committed().
        auto [counts, stats] = s.take();
        add(t.counts, counts);
        t.add_stats(stats);
        resume = resume + committed;
        if (committed == 0 && pos == bytes.size()) {  // nothing complete at all: only finish() can end it
            StreamScanner last(options_for(format, by_code()));
            last.feed(std::string_view(bytes).substr(resume));
            last.finish();
            add(t.counts, last.counts());
            t.add_stats(last.stats());
            return t;
        }
    }
}

std::string access_lines() {
    std::string out;
    const char* codes[] = {"200", "404", "503", "301", "-", "200", "499"};
    for (int i = 0; i < 300; ++i) {
        if (i % 37 == 5) out += "not a log line at all\n";
        if (i % 41 == 7) out += "\n";
        out += "10.0.0." + std::to_string(i % 250) + " - - [10/Oct/2000:13:55:" + std::to_string(10 + i % 50) +
               " -0700] \"GET /p" + std::to_string(i) + " HTTP/1.1\" " + codes[i % 7] + " 12 \"-\" \"curl\"\n";
    }
    return out;
}

std::string sip_messages() {
    std::string out;
    const char* codes[] = {"100 Trying", "180 Ringing", "200 OK", "486 Busy Here", "503 Service Unavailable"};
    for (int i = 0; i < 60; ++i) {
        const std::string body = i % 3 == 0 ? "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\n" : "";
        out += "----------------------------------------------- 2026-11-24 10:00:" + std::to_string(10 + i % 40) + ".000\n";
        out += std::string("SIP/2.0 ") + codes[i % 5] + "\n";
        out += "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK" + std::to_string(i) + "\n";
        out += "Call-ID: call" + std::to_string(i / 2) + "@10.0.0.1\n";
        out += "CSeq: " + std::to_string(i) + " INVITE\n";
        out += "Content-Length: " + std::to_string(body.size()) + "\n\n" + body;
    }
    return out;
}

std::string java_errors() {
    std::string out;
    for (int i = 0; i < 80; ++i) {
        out += "24-Nov-2026 10:38:" + std::to_string(10 + i % 40) + ".332 SEVERE [http-nio-8080-exec-" +
               std::to_string(i % 9) + "] org.apache.catalina.core.StandardWrapperValve.invoke Servlet failed\n";
        if (i % 2 == 0) {
            out += "\tjava.lang.NullPointerException: x is null\n";
            out += "\t\tat com.example.App.handle(App.java:" + std::to_string(i) + ")\n";
            out += "\t\tat org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:1)\n";
            out += "Caused by: java.io.IOException: broken pipe\n";
        }
    }
    return out;
}

void expect_exactly_once(const std::string& format, const std::string& bytes) {
    const Totals whole = scan_whole(format, bytes);
    ASSERT_GT(whole.records + whole.events, 10u);
    for (unsigned seed = 1; seed <= 40; ++seed) {
        SCOPED_TRACE(format + " seed " + std::to_string(seed));
        const Totals restarted = scan_with_restarts(format, bytes, seed);
        EXPECT_TRUE(restarted == whole);
        EXPECT_EQ(restarted.counts, whole.counts);
        EXPECT_EQ(restarted.records, whole.records);
        EXPECT_EQ(restarted.events, whole.events);
    }
}

TEST(StreamResume, AccessLogLinesCountedOnceAcrossRestarts) { expect_exactly_once("combined", access_lines()); }
TEST(StreamResume, SipMessagesCountedOnceAcrossRestarts) { expect_exactly_once("sip_trace", sip_messages()); }
TEST(StreamResume, StackTracesCountedOnceAcrossRestarts) { expect_exactly_once("error_log", java_errors()); }

TEST(StreamResume, CommittedStopsBeforeAnOpenRecord) {
    StreamScanner s(options_for("sip_trace", by_code()));
    const std::string first = "SIP/2.0 200 OK\nCall-ID: a\nCSeq: 1 INVITE\nContent-Length: 0\n\n";
    s.feed(first);
    EXPECT_EQ(s.committed(), first.size());
    s.feed("SIP/2.0 486 Busy Here\nCall-ID: b\n");
    EXPECT_EQ(s.committed(), first.size());   // the second message is still being read
    auto [counts, stats] = s.take();
    EXPECT_EQ(stats.total, 1u);
    s.feed("CSeq: 1 INVITE\nContent-Length: 0\n\n");
    auto [later, later_stats] = s.take();
    EXPECT_EQ(later_stats.total, 1u);
    Counts c;
    add(c, later);
    EXPECT_EQ(c, (Counts{{486, 1}}));
}

TEST(StreamResume, CommittedStopsBeforeAnUnterminatedLine) {
    StreamScanner s(options_for("common", by_code()));
    const std::string line = "::1 - - [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.0\" 200 5\n";
    s.feed(line + "::1 - - [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.0\" 4");
    EXPECT_EQ(s.committed(), line.size());
    s.take();
    auto [counts, stats] = s.take();   // a second take in a row has nothing
    EXPECT_EQ(stats.total, 0u);
    EXPECT_EQ(counts.counted(), 0u);
}

TEST(StreamResume, NothingCommittedWhileDetecting) {
    StreamScanner s(options_for("auto", by_code()));
    s.feed("::1 - - [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.0\" 200 5\n");
    EXPECT_EQ(s.committed(), 0u);   // held back until the format is known
}

}  // namespace
