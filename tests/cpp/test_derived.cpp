// A record's derived values (derived.hpp), and the two readers of them agreeing: the aggregator's group keys
// and the Arrow builder's columns.
#include "logcodes/derived.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "logcodes/aggregator.hpp"
#include "logcodes/record_batches.hpp"
#include "logcodes/sip_reason.hpp"
#include "logcodes/upstream.hpp"

namespace {

using namespace logcodes;

Record http(std::string_view status, std::string_view target, std::string_view time = {}) {
    Record r;
    r.clear();
    r.status = status;
    r.method = "GET";
    r.target = target;
    r.time = time;
    return r;
}

std::shared_ptr<const PathTemplater> rules(std::vector<PathRule> list) {
    std::string error;
    auto t = PathTemplater::with_rules(list, error);
    EXPECT_TRUE(t) << error;
    return std::shared_ptr<const PathTemplater>(std::move(t));
}

TEST(Derived, HttpRecord) {
    Record r = http("502", "http://shop:8080/users/42/orders/2024-01-31?page=2", "10/Oct/2000:13:55:36.250 -0700");
    r.upstream_status = "502, 504, 502";
    DeriveContext ctx;
    ctx.set_input("a.log", TimeSyntax::clf);
    Derived d(r, classify(r.protocol, r.status), ctx);
    EXPECT_EQ(d.code(), 502);
    EXPECT_EQ(d.klass(), 5);
    EXPECT_EQ(d.class_name(), "5xx");
    EXPECT_EQ(d.reason(), "Bad Gateway");  // the registry's: the record carries none
    EXPECT_EQ(d.path_raw(), "/users/42/orders/2024-01-31");
    EXPECT_EQ(d.path(), "/users/{id}/orders/{date}");
    EXPECT_EQ(d.time(), 971211336);  // -0700 applied
    EXPECT_EQ(d.time_ms(), 971211336250);
    EXPECT_EQ(d.time_bucket(3600), 971208000);
    EXPECT_EQ(d.time_bucket(60), 971211300);
    EXPECT_EQ(d.upstream_code(), 502);
    EXPECT_EQ(d.cause().slug, "upstream_502");
    EXPECT_EQ(d.cause().detail, "502, 504, 502");
    EXPECT_EQ(d.cause().source, "record");
    EXPECT_EQ(d.file(), "a.log");
}

TEST(Derived, ValuesAreComputedOnceAndKept) {
    Record r = http("404", "/img/12/a.png");
    DeriveContext ctx;
    Derived d(r, classify(r.protocol, r.status), ctx);
    const std::string_view first = d.path();
    EXPECT_EQ(first, "/img/{id}/a.png");
    EXPECT_EQ(d.path().data(), first.data());  // the same text, not templated again
    const std::string_view slug = d.cause().slug;
    EXPECT_EQ(d.cause().slug.data(), slug.data());
    EXPECT_EQ(slug, "unknown");
}

TEST(Derived, NoTimeNoUpstreamNoCause) {
    Record r = http("200", "/");
    r.upstream_status = "-";
    DeriveContext ctx;
    ctx.set_input("a.log", TimeSyntax::clf);
    Derived d(r, classify(r.protocol, r.status), ctx);
    EXPECT_EQ(d.time(), kNoTime);
    EXPECT_EQ(d.time_ms(), kNoTime);
    EXPECT_EQ(d.time_bucket(60), kNoTime);
    EXPECT_EQ(d.upstream_code(), 0);
    EXPECT_TRUE(d.cause().slug.empty());  // not an error and nothing said
}

TEST(Derived, BucketsBefore1970AreFloored) {
    Record r = http("200", "/");
    r.time = "-90";  // not an epoch the parsers accept: no time
    r.time_syntax = TimeSyntax::epoch;
    DeriveContext ctx;
    Derived none(r, classify(r.protocol, r.status), ctx);
    EXPECT_EQ(none.time_bucket(60), kNoTime);
    r.time = "1969-12-31T23:58:30Z";
    r.time_syntax = TimeSyntax::iso8601;
    Derived d(r, classify(r.protocol, r.status), ctx);
    EXPECT_EQ(d.time(), -90);
    EXPECT_EQ(d.time_bucket(60), -120);
}

TEST(Derived, UserPathRulesRunFirst) {
    Record r = http("200", "/t/acme/users/7");
    DeriveContext ctx(rules({{"^/t/[^/]+", "/t/{tenant}"}}));
    Derived d(r, classify(r.protocol, r.status), ctx);
    EXPECT_EQ(d.path(), "/t/{tenant}/users/{id}");
    EXPECT_EQ(d.path_raw(), "/t/acme/users/7");
}

TEST(Derived, SipRecord) {
    Record r;
    r.clear();
    r.protocol = Protocol::sip;
    r.status = "486";
    r.reason = "Busy Here Now";
    r.method = "INVITE";
    r.target = "sip:bob@10.0.0.7:5060";
    r.sip.reason_header = "SIP;cause=486, Q.850;cause=17;text=\"User busy, really\"";
    DeriveContext ctx;
    Derived d(r, classify(r.protocol, r.status), ctx);
    EXPECT_EQ(d.reason(), "Busy Here Now");  // the record's own phrase
    EXPECT_EQ(d.path(), "sip:bob@10.0.0.7:5060");  // a request URI is never templated
    EXPECT_EQ(d.cause().slug, "q850_17_user_busy");
    EXPECT_EQ(d.cause().detail, r.sip.reason_header);
}

TEST(SipReason, CauseOfEachProtocol) {
    EXPECT_EQ(reason_cause("Q.850;cause=17;text=\"USER_BUSY\"", "Q.850"), 17);
    EXPECT_EQ(reason_cause("q.850 ; CAUSE=16", "Q.850"), 16);
    EXPECT_EQ(reason_cause("SIP;cause=200;text=\"Call completed elsewhere\"", "SIP"), 200);
    EXPECT_EQ(reason_cause("SIP;text=\"a, b\";cause=600, Q.850;cause=21", "Q.850"), 21);
    EXPECT_EQ(reason_cause("SIP;cause=600", "Q.850"), 0);
    EXPECT_EQ(reason_cause("", "Q.850"), 0);
    EXPECT_EQ(reason_cause("Q.850;cause=", "Q.850"), 0);
}

TEST(FinalUpstreamCode, Lists) {
    EXPECT_EQ(final_upstream_code("502"), 502);
    EXPECT_EQ(final_upstream_code("502, 504, 200"), 200);
    EXPECT_EQ(final_upstream_code("504 : 200"), 200);
    EXPECT_EQ(final_upstream_code("-"), 0);
    EXPECT_EQ(final_upstream_code(""), 0);
    EXPECT_EQ(final_upstream_code("5020"), 0);
    EXPECT_EQ(final_upstream_code("abc"), 0);
}

std::string text_at(const ArrowArray& col, std::int64_t i) {
    const auto* offsets = static_cast<const std::int32_t*>(col.buffers[1]);
    return std::string(static_cast<const char*>(col.buffers[2]) + offsets[i],
                       static_cast<std::size_t>(offsets[i + 1] - offsets[i]));
}

// The aggregator's group keys and the builder's columns are read from the same Derived: equal values.
TEST(Derived, AggregatorAndRecordBuilderReadTheSameValues) {
    auto user_rules = rules({{"^/t/[^/]+", "/t/{tenant}"}});
    GroupSpec spec;
    spec.dims = {Dim::path, Dim::path_raw, Dim::time, Dim::upstream_code, Dim::cause, Dim::file};
    spec.time_bucket = 1;
    spec.paths = user_rules;
    Aggregator agg(spec);
    RecordBatchBuilder builder({Column::path, Column::path_raw, Column::time, Column::upstream_code, Column::cause,
                                Column::file},
                               16);
    DeriveContext ctx(user_rules);
    ctx.set_input("x.log", TimeSyntax::iso8601);
    Record r = http("504", "/t/acme/orders/99?x=1", "2026-11-23T23:46:27Z");
    r.upstream_status = "504";
    Derived d(r, classify(r.protocol, r.status), ctx);
    builder.append(d, 1);
    agg.add(d);

    std::vector<std::string> key;
    agg.for_each([&](std::span<const KeyValue> k, std::uint64_t n) {
        EXPECT_EQ(n, 1u);
        for (const auto& v : k) key.push_back(v.is_text ? std::string(v.text) : std::to_string(v.number));
    });
    ArrowArray batch;
    builder.finish(&batch);
    ASSERT_EQ(batch.length, 1);
    const auto dict = [&](int col) {
        const ArrowArray& c = *batch.children[col];
        return text_at(*c.dictionary, static_cast<const std::int32_t*>(c.buffers[1])[0]);
    };
    const std::int64_t ms = static_cast<const std::int64_t*>(batch.children[2]->buffers[1])[0];
    const std::int16_t up = static_cast<const std::int16_t*>(batch.children[3]->buffers[1])[0];
    const std::vector<std::string> row = {text_at(*batch.children[0], 0), text_at(*batch.children[1], 0),
                                          std::to_string(ms / 1000), std::to_string(up), dict(4), dict(5)};
    batch.release(&batch);
    EXPECT_EQ(key, row);
    EXPECT_EQ(row, (std::vector<std::string>{"/t/{tenant}/orders/{id}", "/t/acme/orders/99", "1795477587", "504",
                                             "upstream_504", "x.log"}));
}

}  // namespace
