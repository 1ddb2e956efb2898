#include "logcodes/groups_arrow.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "logcodes/aggregator.hpp"
#include "logcodes/classifier.hpp"
#include "logcodes/sorted_groups.hpp"

namespace {

using logcodes::Aggregator;
using logcodes::Dim;
using logcodes::GroupSpec;
using logcodes::Record;

// One exported row as the consumer reads it: per column (valid, number, text).
using Cell = std::tuple<bool, std::int64_t, std::string>;

std::vector<std::vector<Cell>> exported_rows(const Aggregator& a, unsigned threads) {
    ArrowSchema schema{};
    ArrowArray array{};
    logcodes::export_groups(logcodes::sorted_groups(a, threads), {"path_raw", "code", "upstream_code", "method"},
                            &schema, &array, threads);
    std::vector<std::vector<Cell>> rows(static_cast<std::size_t>(array.length));
    for (std::int64_t j = 0; j < array.n_children; ++j) {
        const ArrowArray& c = *array.children[j];
        const bool text = std::string(schema.children[j]->format) == "U";
        const auto* validity = static_cast<const std::uint8_t*>(c.buffers[0]);
        const auto* values = static_cast<const std::int64_t*>(c.buffers[1]);
        std::int64_t nulls = 0;
        for (std::int64_t i = 0; i < array.length; ++i) {
            const bool valid = !validity || (validity[i / 8] >> (i % 8) & 1);
            nulls += !valid;
            if (text) {
                const char* chars = static_cast<const char*>(c.buffers[2]);
                rows[i].emplace_back(valid, 0, std::string(chars + values[i], chars + values[i + 1]));
            } else {
                rows[i].emplace_back(valid, values[i], "");
            }
        }
        EXPECT_EQ(nulls, c.null_count) << "column " << j;
    }
    array.release(&array);
    schema.release(&schema);
    return rows;
}

// Sorting and gathering on several threads give the very rows one thread gives: enough groups for the
// sort to split (keys tied on long shared prefixes, texts to escape, absent values of both kinds).
TEST(GroupsArrow, ThreadsDoNotChangeTheRows) {
    std::mt19937_64 rng(5);
    Aggregator a(GroupSpec{{Dim::path_raw, Dim::code, Dim::upstream_code, Dim::method}, 3600});
    const std::string prefix = "/a/very/long/shared/prefix/of/more/than/thirty-two/bytes/";
    for (int i = 0; i < 300000; ++i) {
        std::string path = rng() % 10 == 0 ? std::string() : prefix.substr(0, rng() % prefix.size());
        path += std::to_string(rng() % 100000);
        if (rng() % 50 == 0) path += "\xff\\x41";
        Record r;
        r.clear();
        static const char* const codes[] = {"200", "404", "502", "503"};
        static const char* const upstream[] = {"", "502", "200"};
        static const char* const methods[] = {"GET", "POST", ""};
        r.status = codes[rng() % 4];
        r.upstream_status = upstream[rng() % 3];
        r.method = methods[rng() % 3];
        r.target = path;
        a.add(r, logcodes::classify(r.protocol, r.status), "f.log");
    }
    const auto one = exported_rows(a, 1);
    ASSERT_GT(one.size(), 200000u);
    EXPECT_TRUE(std::is_sorted(one.begin(), one.end(), [](const auto& x, const auto& y) {
        // valid before absent within a column, then by value: the Summary's order for these columns
        for (std::size_t j = 0; j < x.size(); ++j) {
            const auto kx = std::make_tuple(!std::get<0>(x[j]), std::get<1>(x[j]), std::get<2>(x[j]));
            const auto ky = std::make_tuple(!std::get<0>(y[j]), std::get<1>(y[j]), std::get<2>(y[j]));
            if (kx != ky) return kx < ky;
        }
        return false;
    }));
    for (unsigned threads : {2u, 3u, 8u}) EXPECT_EQ(exported_rows(a, threads), one) << threads << " threads";
}

TEST(GroupsArrow, NoGroupsOnThreads) {
    Aggregator a(GroupSpec{{Dim::path_raw, Dim::code, Dim::upstream_code, Dim::method}, 3600});
    EXPECT_TRUE(exported_rows(a, 4).empty());
}

// A dimension of numbers with no value at all leaves as an all-null text column (no texts to read).
TEST(GroupsArrow, ANumberColumnWithNoValueIsAllNullText) {
    Aggregator a(GroupSpec{{Dim::path_raw, Dim::code, Dim::upstream_code, Dim::method}, 3600});
    for (int i = 0; i < 1000; ++i) {
        Record r;
        r.clear();
        r.status = "200";
        const std::string path = "/p" + std::to_string(i);
        r.target = path;
        a.add(r, logcodes::classify(r.protocol, r.status), "f.log");
    }
    for (unsigned threads : {1u, 4u}) {
        const auto rows = exported_rows(a, threads);
        ASSERT_EQ(rows.size(), 1000u);
        for (const auto& row : rows) {
            EXPECT_FALSE(std::get<0>(row[2]));
            EXPECT_EQ(std::get<2>(row[2]), "");
            EXPECT_FALSE(std::get<0>(row[3]));  // no method either
        }
        EXPECT_EQ(std::get<2>(rows.front()[0]), "/p0");
    }
}

}  // namespace
