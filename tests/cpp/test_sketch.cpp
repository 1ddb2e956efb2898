#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <random>
#include <vector>

#include "logcodes/sketch.hpp"

using logcodes::DDSketch;

namespace {

void expect_within(const DDSketch& s, std::vector<double> values, double alpha) {
    std::sort(values.begin(), values.end());
    for (double q : {0.0, 0.01, 0.25, 0.5, 0.9, 0.99, 0.999, 1.0}) {
        const double exact = values[static_cast<std::size_t>(q * static_cast<double>(values.size() - 1))];
        EXPECT_LE(std::abs(s.quantile(q) - exact), alpha * exact * (1 + 1e-9)) << "q=" << q;
    }
}

}  // namespace

TEST(DDSketch, QuantilesWithinRelativeError) {
    std::mt19937_64 rng(7);
    std::lognormal_distribution<double> d(-3, 1.5);
    DDSketch s(0.01);
    std::vector<double> values;
    for (int i = 0; i < 20000; ++i) {
        values.push_back(d(rng));
        s.add(values.back());
    }
    EXPECT_EQ(s.count(), values.size());
    EXPECT_FALSE(s.collapsed());
    expect_within(s, values, 0.01);
}

TEST(DDSketch, MergeEqualsOneSketch) {
    std::mt19937_64 rng(3);
    std::exponential_distribution<double> d(10);
    DDSketch a, b, all;
    for (int i = 0; i < 5000; ++i) {
        const double v = d(rng);
        (i % 3 ? a : b).add(v);
        all.add(v);
    }
    a.merge(b);
    EXPECT_EQ(a.count(), all.count());
    EXPECT_EQ(a.buckets(), all.buckets());
    EXPECT_EQ(a.first_index(), all.first_index());
    EXPECT_FALSE(a.merge(DDSketch(0.05)));
}

TEST(DDSketch, BoundedBucketsKeepTheTail) {
    DDSketch s(0.01, 64);
    for (int e = -9; e <= 6; ++e) s.add(std::pow(10.0, e));
    EXPECT_LE(s.buckets().size(), 64u);
    EXPECT_TRUE(s.collapsed());
    EXPECT_NEAR(s.quantile(1.0), 1e6, 1e6 * 0.01);
}

TEST(DDSketch, ZerosAndJunk) {
    DDSketch s;
    EXPECT_TRUE(std::isnan(s.quantile(0.5)));
    s.add(0);
    s.add(-1);
    s.add(std::nan(""));
    s.add(2);
    EXPECT_EQ(s.count(), 2u);
    EXPECT_EQ(s.quantile(0), 0);
    EXPECT_NEAR(s.quantile(1), 2, 0.02);
}

#include "logcodes/heavy_hitters.hpp"

TEST(HeavyHitters, ExactWhenSmall) {
    logcodes::HeavyHitters h(10);
    for (int i = 0; i < 5; ++i)
        for (int j = 0; j <= i; ++j) h.add("k" + std::to_string(i));
    const auto top = h.top();
    EXPECT_EQ(top.error, 0u);
    ASSERT_EQ(top.entries.size(), 5u);
    EXPECT_EQ(top.entries[0].item, "k4");
    EXPECT_EQ(top.entries[0].count, 5u);
}

TEST(HeavyHitters, BoundedAndWithinError) {
    std::mt19937_64 rng(11);
    std::map<std::string, std::uint64_t> truth;
    logcodes::HeavyHitters a(50), b(50);
    for (int i = 0; i < 200000; ++i) {
        // A few heavy items among many rare ones.
        const int k = (i % 4 == 0) ? static_cast<int>(rng() % 5) : 1000 + static_cast<int>(rng() % 50000);
        const std::string item = "p" + std::to_string(k);
        ++truth[item];
        (i % 2 ? a : b).add(item);
    }
    a.merge(b);
    const auto top = a.top();
    EXPECT_LE(top.entries.size(), 50u);
    EXPECT_LE(top.error, 200000u / 51);
    for (const auto& e : top.entries) {
        EXPECT_LE(e.count, truth[e.item]);
        EXPECT_LE(truth[e.item], e.count + top.error);
    }
    for (int k = 0; k < 5; ++k) EXPECT_EQ(top.entries[static_cast<std::size_t>(k)].item.substr(0, 1), "p");
}
