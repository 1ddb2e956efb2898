#include "logcodes/group_map.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace {

using logcodes::GroupMap;

std::string key_of(std::mt19937_64& rng) {
    std::string k(rng() % 40, '\0');
    for (char& c : k) c = static_cast<char>(rng() % 4);  // few distinct bytes: many shared prefixes, NULs
    return k;
}

// The map against std::map over a stream of random keys with repeats.
TEST(GroupMap, CountsLikeAnOrderedMap) {
    std::mt19937_64 rng(7);
    GroupMap<std::uint64_t> m;
    std::map<std::string, std::uint64_t> ref;
    std::vector<std::string> first_seen;
    for (int i = 0; i < 200000; ++i) {
        const std::string k = key_of(rng);
        auto [v, fresh] = m.try_emplace(k, std::uint64_t{0});
        *v += 3;
        if (ref.find(k) == ref.end()) first_seen.push_back(k);
        EXPECT_EQ(fresh, ref[k] == 0);
        ref[k] += 3;
    }
    ASSERT_EQ(m.size(), ref.size());
    std::size_t i = 0;
    for (const auto& e : m) {  // insertion order
        ASSERT_EQ(e.key(), first_seen[i++]);
        EXPECT_EQ(e.value, ref[std::string(e.key())]);
        EXPECT_EQ(e.hash, GroupMap<std::uint64_t>::hash(e.key()));
    }
    for (const auto& [k, n] : ref) {
        const std::uint64_t* v = m.find(k);
        ASSERT_NE(v, nullptr);
        EXPECT_EQ(*v, n);
    }
    EXPECT_EQ(m.find(std::string(41, 'x')), nullptr);
}

// Keys whose hashes are all equal still stay apart (every probe compares the bytes).
TEST(GroupMap, EqualHashesStayApart) {
    GroupMap<int> m;
    for (int i = 0; i < 1000; ++i) *m.try_emplace_hashed(std::to_string(i), std::uint64_t{42}, 0).first += i;
    ASSERT_EQ(m.size(), 1000u);
    for (int i = 0; i < 1000; ++i) {
        const int* v = m.find_hashed(std::to_string(i), 42);
        ASSERT_NE(v, nullptr);
        EXPECT_EQ(*v, i);
    }
    EXPECT_EQ(m.find_hashed("1000", 42), nullptr);
}

TEST(GroupMap, EmptyKeysAndKeysLargerThanABlock) {
    GroupMap<int> m;
    EXPECT_EQ(m.find(""), nullptr);
    *m.try_emplace("", 0).first = 1;
    const std::string big(3u << 20, 'b');
    *m.try_emplace(big, 0).first = 2;
    *m.try_emplace("after", 0).first = 3;
    EXPECT_EQ(*m.find(""), 1);
    EXPECT_EQ(*m.find(big), 2);
    EXPECT_EQ(*m.find("after"), 3);
    EXPECT_EQ(m.size(), 3u);
}

// Copies own their keys (the source may go away); moves and swaps keep the keys where they are.
TEST(GroupMap, CopyMoveSwap) {
    auto made = [] {
        GroupMap<std::string> m;
        for (int i = 0; i < 5000; ++i) m.try_emplace("key" + std::to_string(i), "v" + std::to_string(i));
        return m;
    };
    GroupMap<std::string> copy;
    {
        GroupMap<std::string> src = made();
        copy = src;
        src.try_emplace("only in src", "x");
    }
    ASSERT_EQ(copy.size(), 5000u);
    EXPECT_EQ(*copy.find("key4999"), "v4999");
    EXPECT_EQ(copy.find("only in src"), nullptr);
    GroupMap<std::string> moved(std::move(copy));
    EXPECT_TRUE(copy.empty());  // NOLINT(bugprone-use-after-move): a moved-from map is empty
    EXPECT_EQ(*moved.find("key17"), "v17");
    GroupMap<std::string> other;
    other.try_emplace("alone", "a");
    other.swap(moved);
    EXPECT_EQ(other.size(), 5000u);
    EXPECT_EQ(*moved.find("alone"), "a");
    moved.clear();
    EXPECT_TRUE(moved.empty());
    moved.try_emplace("again", "b");
    EXPECT_EQ(*moved.find("again"), "b");
}

TEST(GroupMap, ReserveKeepsEntries) {
    GroupMap<int> m;
    for (int i = 0; i < 100; ++i) m.try_emplace(std::to_string(i), i);
    m.reserve(100000);
    for (int i = 0; i < 100; ++i) EXPECT_EQ(*m.find(std::to_string(i)), i);
    for (int i = 100; i < 100000; ++i) m.try_emplace(std::to_string(i), i);
    EXPECT_EQ(m.size(), 100000u);
    EXPECT_EQ(*m.find("99999"), 99999);
}

// absorb() adds another map's counts and keeps its keys' bytes where they are: they must outlive the map
// they came from (the absorbed map is emptied, then destroyed), across more entries than one segment holds.
TEST(GroupMap, AbsorbAddsCountsAndKeepsTheOtherMapsKeys) {
    std::mt19937_64 rng(3);
    std::map<std::string, std::uint64_t> ref;
    GroupMap<std::uint64_t> mine;
    std::vector<std::string> order;
    auto add = [&](GroupMap<std::uint64_t>& m, const std::string& k, std::uint64_t n) {
        *m.try_emplace(k, std::uint64_t{0}).first += n;
        ref[k] += n;
    };
    for (int i = 0; i < 150000; ++i) add(mine, "k" + std::to_string(rng() % 120000), 1);
    for (const auto& e : mine) order.emplace_back(e.key());
    {
        GroupMap<std::uint64_t> theirs;
        for (int i = 0; i < 150000; ++i) add(theirs, "k" + std::to_string(rng() % 240000), 2);
        std::vector<std::string> theirs_order;
        for (const auto& e : theirs) theirs_order.emplace_back(e.key());
        for (const auto& k : theirs_order)
            if (!mine.find(k)) order.push_back(k);  // new keys follow, in the other map's order
        mine.absorb(std::move(theirs), [](std::uint64_t& n, std::uint64_t more) { n += more; });
        EXPECT_TRUE(theirs.empty());
        EXPECT_EQ(theirs.find("k1"), nullptr);
    }  // `theirs` is gone: the keys taken from it must still read
    ASSERT_EQ(mine.size(), ref.size());
    std::size_t i = 0;
    for (const auto& e : mine) {
        ASSERT_EQ(e.key(), order[i++]);
        EXPECT_EQ(e.value, ref[std::string(e.key())]);
        EXPECT_EQ(e.hash, GroupMap<std::uint64_t>::hash(e.key()));
    }
    for (const auto& [k, n] : ref) EXPECT_EQ(*mine.find(k), n);
    mine.try_emplace("after", std::uint64_t{5});  // the map goes on growing in its own storage
    EXPECT_EQ(*mine.find("after"), 5u);
    EXPECT_EQ(mine.size(), ref.size() + 1);
}

}  // namespace
