#include "logcodes/record_filter.hpp"
#include "logcodes/stream.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using logcodes::classify;
using logcodes::Error;
using logcodes::FilterSpec;
using logcodes::Protocol;
using logcodes::Record;
using logcodes::RecordFilter;
using logcodes::TimeSyntax;

Record http(std::string_view status, std::string_view method, std::string_view target, std::string_view time = {},
            std::string_view host = {}) {
    Record r;
    r.status = status;
    r.method = method;
    r.target = target;
    r.time = time;
    r.host = host;
    return r;
}

bool keeps(const FilterSpec& spec, const Record& r) {
    Error err;
    auto f = RecordFilter::compile(spec, err);
    EXPECT_TRUE(f) << err.message;
    return f && f->keep(r, classify(Protocol::http, r.status), TimeSyntax::clf);
}

TEST(RecordFilter, CodesAreInclusiveRanges) {
    FilterSpec s;
    s.codes = {{500, 599}, {404, 404}};
    EXPECT_TRUE(keeps(s, http("503", "GET", "/")));
    EXPECT_TRUE(keeps(s, http("404", "GET", "/")));
    EXPECT_FALSE(keeps(s, http("403", "GET", "/")));
    EXPECT_FALSE(keeps(s, http("200", "GET", "/")));
}

TEST(RecordFilter, MethodsIgnoreCase) {
    FilterSpec s;
    s.methods = {"POST", "get"};
    EXPECT_TRUE(keeps(s, http("200", "GET", "/")));
    EXPECT_TRUE(keeps(s, http("200", "post", "/")));
    EXPECT_FALSE(keeps(s, http("200", "HEAD", "/")));
    EXPECT_FALSE(keeps(s, http("200", "", "/")));
}

TEST(RecordFilter, PathGlobsMatchTheWholePathWithoutQuery) {
    FilterSpec s;
    s.paths = {"/api/*.json"};
    EXPECT_TRUE(keeps(s, http("200", "GET", "/api/v1/users.json?x=1")));
    EXPECT_FALSE(keeps(s, http("200", "GET", "/api/v1/users.json.bak")));
    EXPECT_FALSE(keeps(s, http("200", "GET", "/x/api/a.json")));
    s.paths = {"/item/[0-9]?", "re:/(a|b)/.*"};
    EXPECT_TRUE(keeps(s, http("200", "GET", "/item/7x")));
    EXPECT_TRUE(keeps(s, http("200", "GET", "/b/c")));
    EXPECT_FALSE(keeps(s, http("200", "GET", "/c/b/")));
    s.paths = {"/[!a]*"};
    EXPECT_FALSE(keeps(s, http("200", "GET", "/abc")));
    EXPECT_TRUE(keeps(s, http("200", "GET", "/xbc")));
}

TEST(RecordFilter, GlobsMatchNonUtf8Bytes) {
    FilterSpec s;
    s.paths = {"/a*z"};
    EXPECT_TRUE(keeps(s, http("200", "GET", "/a\xff\xfez")));
}

TEST(RecordFilter, HostsIgnoreCase) {
    FilterSpec s;
    s.hosts = {"*.Example.com"};
    EXPECT_TRUE(keeps(s, http("200", "GET", "/", {}, "www.example.COM")));
    EXPECT_FALSE(keeps(s, http("200", "GET", "/", {}, "example.org")));
}

TEST(RecordFilter, TimeBoundsUtcAndWallClock) {
    // 10/Oct/2000:13:55:36 -0700 is 20:55:36 UTC.
    const auto r = http("200", "GET", "/", "10/Oct/2000:13:55:36 -0700");
    const std::int64_t utc = 971211336000;
    FilterSpec s;
    s.since_ms = utc;
    EXPECT_TRUE(keeps(s, r));
    s.since_ms = utc + 1;
    EXPECT_FALSE(keeps(s, r));
    s = FilterSpec{};
    s.until_ms = utc;  // until is exclusive
    EXPECT_FALSE(keeps(s, r));
    s.until_ms = utc + 1;
    EXPECT_TRUE(keeps(s, r));
    // On the log's wall clock the record is at 13:55:36.
    const std::int64_t wall = utc - 7 * 3600 * 1000;
    s = FilterSpec{};
    s.since_ms = wall;
    s.since_wall = true;
    s.until_ms = wall + 1000;
    s.until_wall = true;
    EXPECT_TRUE(keeps(s, r));
    s.since_ms = wall + 1;
    EXPECT_FALSE(keeps(s, r));
}

TEST(RecordFilter, RecordsWithoutTimeFailTimeBounds) {
    FilterSpec s;
    s.since_ms = 0;
    EXPECT_FALSE(keeps(s, http("200", "GET", "/")));
    EXPECT_FALSE(keeps(s, http("200", "GET", "/", "not a time")));
}

TEST(RecordFilter, BadPatternsNameTheArgument) {
    FilterSpec s;
    s.paths = {"re:(unclosed"};
    Error err;
    EXPECT_FALSE(RecordFilter::compile(s, err));
    EXPECT_NE(err.message.find("paths"), std::string::npos);
    s = FilterSpec{};
    s.hosts = {"re:a**"};
    err = Error{};
    EXPECT_FALSE(RecordFilter::compile(s, err));
    EXPECT_NE(err.message.find("hosts"), std::string::npos);
}

TEST(RecordFilter, GlobTranslation) {
    EXPECT_EQ(logcodes::glob_to_regex("a.b*"), "a\\.b.*");
    EXPECT_EQ(logcodes::glob_to_regex("[!x]?"), "[^x].");
    EXPECT_EQ(logcodes::glob_to_regex("a[b"), "a\\[b");
}

TEST(RecordFilter, StreamCountsFilteredRecords) {
    FilterSpec spec;
    spec.methods = {"POST"};
    Error err;
    auto options = logcodes::options_for("combined", logcodes::GroupSpec{{logcodes::Dim::code}, 3600});
    options.filter = RecordFilter::compile(spec, err);
    logcodes::StreamScanner st(options);
    st.feed("1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.0\" 200 1 \"-\" \"ua\"\n"
            "1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] \"POST / HTTP/1.0\" 500 1 \"-\" \"ua\"\n");
    st.finish();
    EXPECT_EQ(st.stats().total, 2u);
    EXPECT_EQ(st.stats().filtered, 1u);
    EXPECT_EQ(st.counts().counted(), 1u);
}

}  // namespace
