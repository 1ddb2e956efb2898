// Inputs found by the fuzz targets in tests/fuzz (docs/fuzzing.md): each broke the core once. Run under
// `make test SANITIZE=1` they also fail on the undefined behaviour they used to trigger.
#include "logcodes/stream.hpp"
#include "logcodes/time.hpp"

#include <gtest/gtest.h>

#include <string>

namespace logcodes {
namespace {

ScanStats scan_stream(const std::string& format, const std::string& text) {
    StreamScanner s(format, GroupSpec{{Dim::code}});
    s.feed(text);
    s.finish();
    return s.stats();
}

// fuzz_error_logs: a ten-digit "year" in an Apache error_log header overflowed int while reading it.
TEST(FuzzRegressions, ApacheErrorLogHeaderWithAHugeYear) {
    const ScanStats st = scan_stream("error_log",
                                     "[Tue Nov 24 10:17:11 2183372026] [authz_core:error] [pid 3326:tid 1] AH01630: x\n"
                                     "[Tue Nov 24 10:17:11 2026] [authz_core:error] [pid 3326:tid 1] AH01630: y\n");
    EXPECT_EQ(st.lines, 2u);
    EXPECT_EQ(st.events, 2u);
    EXPECT_EQ(st.unparsed, 0u);
}

// fuzz_formats: a W3C user agent written in several tokens, one of them quoted, was joined back from two
// different buffers (the line and the unquoted copy), giving a view of a garbage length.
TEST(FuzzRegressions, W3cUserAgentTokensWithAQuotedOne) {
    const ScanStats st = scan_stream("w3c",
                                     "#Fields: sc-status cs(User-Agent)\n"
                                     "200 \"quoted agent\" more tokens\n"
                                     "200 more tokens \"quoted\"\n"
                                     "200 plain agent in tokens\n");
    EXPECT_EQ(st.meta, 1u);
    EXPECT_EQ(st.records, 3u);
    EXPECT_EQ(st.unparsed, 2u);  // cannot be split unambiguously: counted, with a sample, never misread
    EXPECT_EQ(st.unparsed_samples.size(), 2u);
}

// fuzz_sip: an epoch time of more than 19 digits overflowed int64 while reading it.
TEST(FuzzRegressions, EpochTimeTooLongForInt64) {
    EXPECT_EQ(parse_epoch_time("99999999999999999999"), kNoTime);
    EXPECT_EQ(parse_epoch_time("17900000000000547770.5"), kNoTime);
    EXPECT_EQ(parse_epoch_time("1700000000123456789"), 1700000000);  // nanoseconds still read
}

}  // namespace
}  // namespace logcodes
