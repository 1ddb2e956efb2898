// Inputs found by the fuzz targets in tests/fuzz (docs/fuzzing.md): each broke the core once. Run under
// `make test SANITIZE=1` they also fail on the undefined behaviour they used to trigger.
#include "logcodes/stream.hpp"

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

}  // namespace
}  // namespace logcodes
