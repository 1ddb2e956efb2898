#include "logcodes/sorted_groups.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "logcodes/aggregator.hpp"
#include "logcodes/classifier.hpp"
#include "logcodes/text_escape.hpp"
#include "logcodes/time.hpp"

namespace {

using logcodes::Aggregator;
using logcodes::Dim;
using logcodes::GroupSpec;
using logcodes::Record;
using logcodes::SortedGroups;

// One cell as the Summary orders it: (kind, number, text) with kind 0 number, 1 text, 2 absent.
using Cell = std::tuple<int, std::int64_t, std::string>;

std::vector<std::vector<Cell>> rows_in_order(const SortedGroups& g) {
    std::vector<std::vector<Cell>> out;
    for (std::uint32_t row : g.order) {
        std::vector<Cell> r;
        for (const auto& c : g.columns) {
            if (!c.present[row]) r.emplace_back(2, 0, "");
            else if (c.text) r.emplace_back(1, 0, std::string(c.text_at(row)));
            else r.emplace_back(0, c.numbers[row], "");
        }
        out.push_back(std::move(r));
    }
    return out;
}

// Paths with long shared prefixes, NUL and non-UTF-8 bytes, backslashes and absent values; upstream codes
// absent or present; methods that tie often. The order must be the element-by-element one (tuple order
// of the cells above), the one the pairwise comparison gave.
TEST(SortedGroups, OrderIsElementByElement) {
    std::mt19937_64 rng(11);
    Aggregator a(GroupSpec{{Dim::path_raw, Dim::code, Dim::method, Dim::upstream_code}, 3600});
    const std::string prefix = "/a/very/long/shared/prefix/of/more/than/sixteen/bytes/";
    std::vector<std::string> paths, methods = {"GET", "POST", "", "G\xff", "GET\\x41"};
    for (int i = 0; i < 3000; ++i) {
        std::string p = (rng() % 3 == 0) ? std::string() : prefix.substr(0, rng() % prefix.size());
        const int extra = static_cast<int>(rng() % 6);
        for (int j = 0; j < extra; ++j) p.push_back("ab\0\xff\\/x"[rng() % 7]);
        paths.push_back(p);
    }
    std::uint64_t records = 0;
    for (int i = 0; i < 20000; ++i) {
        Record r;
        r.clear();
        const std::string& path = paths[rng() % paths.size()];
        static const char* const codes[] = {"200", "404", "502", "199", "600"};
        r.status = codes[rng() % 5];
        r.method = methods[rng() % methods.size()];
        r.target = path;
        static const char* const upstream[] = {"", "502", "200"};
        r.upstream_status = upstream[rng() % 3];
        a.add(r, logcodes::classify(r.protocol, r.status), "f.log");
        ++records;
    }
    const SortedGroups g = logcodes::sorted_groups(a);
    ASSERT_EQ(g.order.size(), g.size());
    ASSERT_EQ(g.width(), 4u);
    const auto rows = rows_in_order(g);
    EXPECT_TRUE(std::is_sorted(rows.begin(), rows.end()));
    EXPECT_EQ(std::adjacent_find(rows.begin(), rows.end()), rows.end());  // distinct keys stay distinct
    std::uint64_t total = 0;
    for (auto n : g.counts) total += n;
    EXPECT_EQ(total, records);
    // Every row once.
    std::vector<std::uint32_t> seen = g.order;
    std::sort(seen.begin(), seen.end());
    for (std::size_t i = 0; i < seen.size(); ++i) ASSERT_EQ(seen[i], i);
    // Text is escaped: valid UTF-8, the non-UTF-8 byte written \xff.
    bool escaped = false;
    for (const auto& r : rows) escaped = escaped || std::get<2>(r[2]) == "G\\xff";
    EXPECT_TRUE(escaped);
}

TEST(SortedGroups, NumbersInOrderIncludingNegativeAndAbsent) {
    Aggregator a(GroupSpec{{Dim::time, Dim::code}, 60});
    const char* times[] = {"01/Jan/1969:00:00:00 +0000", "01/Jan/1970:00:00:00 +0000", "",
                           "05/Dec/2026:10:00:00 +0000", "31/Dec/1969:23:59:59 +0000"};
    for (const char* t : times) {
        Record r;
        r.clear();
        r.status = "200";
        r.time = t;
        if (*t) r.time_syntax = logcodes::TimeSyntax::clf;
        a.add(r, logcodes::classify(r.protocol, r.status), "f.log");
    }
    const SortedGroups g = logcodes::sorted_groups(a);
    const auto rows = rows_in_order(g);
    ASSERT_EQ(rows.size(), 5u);
    EXPECT_TRUE(std::is_sorted(rows.begin(), rows.end()));
    EXPECT_EQ(std::get<0>(rows.back()[0]), 2);  // the time that did not parse comes last
    EXPECT_LT(std::get<1>(rows.front()[0]), 0);
}

TEST(SortedGroups, NoGroups) {
    Aggregator a(GroupSpec{{Dim::path, Dim::code}, 3600});
    const SortedGroups g = logcodes::sorted_groups(a);
    EXPECT_EQ(g.size(), 0u);
    EXPECT_EQ(g.width(), 2u);
    EXPECT_TRUE(g.order.empty());
}

// Texts point into the aggregator's keys, except texts to escape and keys folded in from dense counts,
// which live only during for_each(): those are copied (a view into them would dangle: ASan builds say so).
TEST(SortedGroups, TextsOutliveFoldedAndEscapedKeys) {
    Aggregator a(GroupSpec{{Dim::protocol, Dim::code, Dim::reason}, 3600});
    auto add = [&](const char* status, std::string reason) {
        Record r;
        r.clear();
        r.status = status;
        r.reason = reason;
        a.add(r, logcodes::classify(r.protocol, r.status), "f.log");
    };
    add("404", "");                        // dense: the registry's phrase, folded in by for_each()
    add("500", "");
    add("404", "Gone Fishing \xff");       // in the map, escaped
    add("200", "Fine");                    // in the map, plain
    ASSERT_FALSE(a.keys_outlive_for_each());
    const SortedGroups g = logcodes::sorted_groups(a);
    std::vector<std::string> reasons;
    for (std::uint32_t row : g.order) reasons.emplace_back(g.columns[2].text_at(row));
    EXPECT_EQ(reasons, (std::vector<std::string>{"Fine", "Gone Fishing \\xff", "Not Found", "Internal Server Error"}));
    EXPECT_EQ(g.columns[2].text_bytes, std::string("FineGone Fishing \\xffNot FoundInternal Server Error").size());

    Aggregator b(GroupSpec{{Dim::path_raw}, 3600});
    for (const char* p : {"/plain", "/odd\xfe", "/plain"}) {
        Record r;
        r.clear();
        r.status = "200";
        r.target = p;
        b.add(r, logcodes::classify(r.protocol, r.status), "f.log");
    }
    ASSERT_TRUE(b.keys_outlive_for_each());
    const SortedGroups h = logcodes::sorted_groups(b);
    ASSERT_EQ(h.size(), 2u);
    EXPECT_EQ(h.columns[0].text_at(h.order[0]), "/odd\\xfe");
    EXPECT_EQ(h.columns[0].text_at(h.order[1]), "/plain");
    EXPECT_EQ(h.own.size(), 1u);  // only the escaped text was copied
}

}  // namespace
