#include "logcodes/aggregator.hpp"
#include "logcodes/time.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

using logcodes::Aggregator;
using logcodes::classify;
using logcodes::Dim;
using logcodes::GroupSpec;
using logcodes::KeyValue;
using logcodes::kNoTime;
using logcodes::Protocol;
using logcodes::Record;
using logcodes::TimeSyntax;

// One group as comparable text: "T:text" or "N:number" per key part, then the count.
using Group = std::pair<std::vector<std::string>, std::uint64_t>;

std::vector<Group> groups_of(const Aggregator& a) {
    std::vector<Group> out;
    a.for_each([&](std::span<const KeyValue> key, std::uint64_t n) {
        std::vector<std::string> parts;
        for (const auto& k : key) parts.push_back(k.is_text ? "T:" + std::string(k.text) : "N:" + std::to_string(k.number));
        out.emplace_back(std::move(parts), n);
    });
    std::sort(out.begin(), out.end());
    return out;
}

std::string T(std::string_view s) { return "T:" + std::string(s); }
std::string N(std::int64_t n) { return "N:" + std::to_string(n); }

Record http(std::string_view status, std::string_view method = {}, std::string_view target = {},
            std::string_view time = {}, std::string_view host = {}) {
    Record r;
    r.clear();
    r.status = status;
    r.method = method;
    r.target = target;
    r.time = time;
    r.host = host;
    if (!time.empty()) r.time_syntax = TimeSyntax::clf;
    return r;
}

void add(Aggregator& a, const Record& r, std::string_view file = "f.log") {
    a.add(r, classify(r.protocol, r.status), file);
}

TEST(Aggregator, DefaultClassAndCode) {
    Aggregator a(GroupSpec{{Dim::klass, Dim::code}, 3600});
    for (int i = 0; i < 3; ++i) add(a, http("200"));
    add(a, http("404"));
    add(a, http("298"));  // unregistered: still counted under its class
    add(a, http("503"));
    add(a, http("503"));
    EXPECT_EQ(a.counted(), 7u);
    EXPECT_EQ(a.groups(), 4u);
    EXPECT_EQ(groups_of(a), (std::vector<Group>{
                                {{T("2xx"), N(200)}, 3},
                                {{T("2xx"), N(298)}, 1},
                                {{T("4xx"), N(404)}, 1},
                                {{T("5xx"), N(503)}, 2},
                            }));
}

TEST(Aggregator, EmptyAggregator) {
    Aggregator a(GroupSpec{{Dim::klass, Dim::code}, 3600});
    EXPECT_EQ(a.counted(), 0u);
    EXPECT_EQ(a.groups(), 0u);
    EXPECT_TRUE(groups_of(a).empty());
}

TEST(Aggregator, ProtocolAndReasonDense) {
    Aggregator a(GroupSpec{{Dim::protocol, Dim::klass, Dim::code, Dim::reason}, 3600});
    add(a, http("200"));
    Record sip = http("486");
    sip.protocol = Protocol::sip;
    add(a, sip);
    Record sip6 = http("603");
    sip6.protocol = Protocol::sip;
    add(a, sip6);
    add(a, http("298"));
    EXPECT_EQ(groups_of(a), (std::vector<Group>{
                                {{T("http"), T("2xx"), N(200), T("OK")}, 1},
                                {{T("http"), T("2xx"), N(298), T("")}, 1},
                                {{T("sip"), T("4xx"), N(486), T("Busy Here")}, 1},
                                {{T("sip"), T("6xx"), N(603), T("Decline")}, 1},
                            }));
}

TEST(Aggregator, RecordReasonPhraseIsItsOwnGroup) {
    Aggregator a(GroupSpec{{Dim::code, Dim::reason}, 3600});
    Record plain = http("486");
    plain.protocol = Protocol::sip;
    Record same = plain;
    same.reason = "Busy Here";  // equal to the registry's phrase: the same group as no phrase
    Record own = plain;
    own.reason = "Callee Busy";
    add(a, plain);
    add(a, same);
    add(a, own);
    add(a, own);
    EXPECT_EQ(a.counted(), 4u);
    EXPECT_EQ(groups_of(a), (std::vector<Group>{
                                {{N(486), T("Busy Here")}, 2},
                                {{N(486), T("Callee Busy")}, 2},
                            }));
}

TEST(Aggregator, MapPathWithTextAndTimeDims) {
    Aggregator a(GroupSpec{{Dim::method, Dim::path, Dim::time, Dim::file, Dim::host, Dim::reason, Dim::code}, 3600});
    add(a, http("200", "GET", "/a?x=1", "10/Oct/2000:13:55:36 -0700", "example.com"), "one.log");
    add(a, http("200", "GET", "/a?y=2", "10/Oct/2000:13:00:00 -0700", "example.com"), "one.log");  // same hour
    add(a, http("200", "GET", "/a", "10/Oct/2000:14:00:00 -0700", "example.com"), "one.log");      // next hour
    add(a, http("404", "POST", "/b", "10/Oct/2000:13:55:36 -0700", ""), "two.log");
    add(a, http("500"), "two.log");  // no method, path, time or host
    const std::int64_t hour = 971211336 / 3600 * 3600;
    EXPECT_EQ(a.counted(), 5u);
    EXPECT_EQ(groups_of(a),
              (std::vector<Group>{
                  {{T(""), T(""), N(kNoTime), T("two.log"), T(""), T("Internal Server Error"), N(500)}, 1},
                  {{T("GET"), T("/a"), N(hour), T("one.log"), T("example.com"), T("OK"), N(200)}, 2},
                  {{T("GET"), T("/a"), N(hour + 3600), T("one.log"), T("example.com"), T("OK"), N(200)}, 1},
                  {{T("POST"), T("/b"), N(hour), T("two.log"), T(""), T("Not Found"), N(404)}, 1},
              }));
}

TEST(Aggregator, KeyValueKinds) {
    Aggregator a(GroupSpec{{Dim::klass, Dim::code, Dim::time, Dim::method}, 60});
    add(a, http("301", "GET", "/", "01/Jan/1970:00:01:30 +0000"));
    std::size_t seen = 0;
    a.for_each([&](std::span<const KeyValue> key, std::uint64_t n) {
        ++seen;
        ASSERT_EQ(key.size(), 4u);
        EXPECT_TRUE(key[0].is_text);
        EXPECT_EQ(key[0].text, "3xx");
        EXPECT_FALSE(key[1].is_text);
        EXPECT_EQ(key[1].number, 301);
        EXPECT_FALSE(key[2].is_text);
        EXPECT_EQ(key[2].number, 60);
        EXPECT_TRUE(key[3].is_text);
        EXPECT_EQ(key[3].text, "GET");
        EXPECT_EQ(n, 1u);
    });
    EXPECT_EQ(seen, 1u);
}

TEST(Aggregator, TimeBucketsFloorIncludingBeforeTheEpoch) {
    struct Case {
        std::string_view time;
        std::int64_t bucket;
        std::int64_t want;
    };
    const Case cases[] = {
        {"01/Jan/1970:00:00:00 +0000", 3600, 0},
        {"01/Jan/1970:00:59:59 +0000", 3600, 0},
        {"01/Jan/1970:01:00:00 +0000", 3600, 3600},
        {"31/Dec/1969:23:59:59 +0000", 3600, -3600},
        {"31/Dec/1969:23:00:00 +0000", 3600, -3600},
        {"31/Dec/1969:22:59:59 +0000", 3600, -7200},
        {"31/Dec/1969:23:59:59 +0000", 86400, -86400},
        {"01/Jan/1969:00:00:00 +0000", 86400, -31536000},
        {"10/Oct/2000:13:55:36 -0700", 86400, 971136000},
        {"10/Oct/2000:13:55:36 -0700", 1, 971211336},
        {"10/Oct/2000:13:55:36 -0700", 300, 971211300},
        {"not a time", 3600, kNoTime},
    };
    for (const Case& c : cases) {
        Aggregator a(GroupSpec{{Dim::time}, c.bucket});
        add(a, http("200", "GET", "/", c.time));
        EXPECT_EQ(groups_of(a), (std::vector<Group>{{{N(c.want)}, 1}})) << c.time << " / " << c.bucket;
    }
}

TEST(Aggregator, TimeSyntaxFromTheCallerWhenTheRecordHasNone) {
    Aggregator a(GroupSpec{{Dim::time}, 3600});
    Record r = http("200");
    r.time = "10/Oct/2000:13:55:36 -0700";  // time_syntax left as none
    a.add(r, classify(Protocol::http, "200"), "f", TimeSyntax::clf);
    Record e = http("200");
    e.time = "971211336";
    e.time_syntax = TimeSyntax::epoch;  // the record's own syntax wins over the caller's
    a.add(e, classify(Protocol::http, "200"), "f", TimeSyntax::clf);
    EXPECT_EQ(groups_of(a), (std::vector<Group>{{{N(971211336 / 3600 * 3600)}, 2}}));
}

TEST(Aggregator, NonPositiveBucketIsOneSecond) {
    Aggregator a(GroupSpec{{Dim::time}, 0});
    EXPECT_EQ(a.spec().time_bucket, 1);
    add(a, http("200", "GET", "/", "10/Oct/2000:13:55:36 -0700"));
    EXPECT_EQ(groups_of(a), (std::vector<Group>{{{N(971211336)}, 1}}));
}

TEST(Aggregator, NamedFieldDim) {
    const auto id = logcodes::intern_field("test_aggregator_field");
    GroupSpec spec{{Dim::code, Dim::field}, 3600, {id}};
    Aggregator a(spec);
    Record r = http("200");
    r.add_extra(id, "alpha");
    add(a, r);
    add(a, r);
    add(a, http("200"));  // without the field: empty text
    EXPECT_EQ(groups_of(a), (std::vector<Group>{{{N(200), T("")}, 1}, {{N(200), T("alpha")}, 2}}));
}

TEST(Aggregator, UpstreamCodeDim) {
    Aggregator a(GroupSpec{{Dim::code, Dim::upstream_code}, 3600});
    Record r = http("502");
    r.upstream_status = "502, 504, 200";
    add(a, r);
    Record none = http("502");
    none.upstream_status = "-";
    add(a, none);
    EXPECT_EQ(groups_of(a), (std::vector<Group>{{{N(502), N(kNoTime)}, 1}, {{N(502), N(200)}, 1}}));
}

TEST(DimNames, RoundTrip) {
    for (int i = 0; i < logcodes::kDimCount; ++i) {
        const auto d = static_cast<Dim>(i);
        Dim back{};
        ASSERT_TRUE(logcodes::parse_dim(logcodes::dim_name(d), back)) << logcodes::dim_name(d);
        EXPECT_EQ(back, d);
    }
    EXPECT_EQ(logcodes::dim_name(Dim::klass), "class");
    Dim d{};
    EXPECT_FALSE(logcodes::parse_dim("klass", d));
    EXPECT_FALSE(logcodes::parse_dim("", d));
    EXPECT_FALSE(logcodes::parse_dim("field", d));  // named fields are chosen by name, not as "field"
}

// --- merge ---------------------------------------------------------------------------------------------

// A pool of records over several dims; views point at static strings.
std::vector<Record> record_pool() {
    static const char* const statuses[] = {"200", "200", "204", "301", "404", "404", "500", "503", "298"};
    static const char* const methods[] = {"GET", "POST", ""};
    static const char* const targets[] = {"/", "/a?q", "/b", ""};
    static const char* const times[] = {"10/Oct/2000:13:55:36 -0700", "31/Dec/1969:23:59:59 +0000", ""};
    std::vector<Record> pool;
    for (auto s : statuses)
        for (auto m : methods)
            for (auto t : targets)
                for (auto tm : times) pool.push_back(http(s, m, t, tm, m[0] ? "h" : ""));
    return pool;
}

void check_merge_laws(const GroupSpec& spec) {
    const auto pool = record_pool();
    std::mt19937 rng(42);
    std::uniform_int_distribution<std::size_t> pick(0, pool.size() - 1);
    Aggregator all(spec), a(spec), b(spec), c(spec);
    for (int i = 0; i < 3000; ++i) {
        const Record& r = pool[pick(rng)];
        const char* file = i % 2 ? "x.log" : "y.log";
        add(all, r, file);
        add(i % 3 == 0 ? a : i % 3 == 1 ? b : c, r, file);
    }
    const auto want = groups_of(all);

    Aggregator ab_c(spec);  // (a + b) + c
    ab_c.merge(a);
    ab_c.merge(b);
    ab_c.merge(c);
    Aggregator bc(spec);  // a + (b + c)
    bc.merge(b);
    bc.merge(c);
    Aggregator a_bc(spec);
    a_bc.merge(a);
    a_bc.merge(bc);
    Aggregator cba(spec);  // commuted
    cba.merge(c);
    cba.merge(b);
    cba.merge(a);
    Aggregator into_c = c;  // merging into a non-empty aggregator
    into_c.merge(a);
    into_c.merge(b);

    EXPECT_EQ(groups_of(ab_c), want);
    EXPECT_EQ(groups_of(a_bc), want);
    EXPECT_EQ(groups_of(cba), want);
    EXPECT_EQ(groups_of(into_c), want);
    EXPECT_EQ(ab_c.counted(), 3000u);
    EXPECT_EQ(a.counted() + b.counted() + c.counted(), 3000u);
    EXPECT_EQ(all.groups(), want.size());

    // Merging an empty aggregator changes nothing.
    Aggregator empty(spec);
    ab_c.merge(empty);
    EXPECT_EQ(groups_of(ab_c), want);
}

TEST(AggregatorMerge, DenseDims) { check_merge_laws(GroupSpec{{Dim::klass, Dim::code}, 3600}); }

TEST(AggregatorMerge, DenseWithReason) { check_merge_laws(GroupSpec{{Dim::protocol, Dim::code, Dim::reason}, 3600}); }

TEST(AggregatorMerge, MapDims) {
    check_merge_laws(GroupSpec{{Dim::method, Dim::path, Dim::time, Dim::file, Dim::host, Dim::reason}, 3600});
    check_merge_laws(GroupSpec{{Dim::code, Dim::time}, 60});
}

TEST(AggregatorMerge, DenseAndMapEntriesOfTheSameKeyFold) {
    // One side counted a phrase equal to the registry's (map), the other none (dense): one group.
    GroupSpec spec{{Dim::code, Dim::reason}, 3600};
    Aggregator a(spec), b(spec);
    Record r = http("404");
    add(a, r);
    r.reason = "Not Found";
    add(b, r);
    a.merge(b);
    EXPECT_EQ(groups_of(a), (std::vector<Group>{{{N(404), T("Not Found")}, 2}}));
    EXPECT_EQ(a.groups(), 1u);
    EXPECT_EQ(a.counted(), 2u);
}

}  // namespace
