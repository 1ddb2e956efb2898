// Heavy hitters in bounded memory: the Misra-Gries summary, in its mergeable form (Agarwal et al.,
// "Mergeable summaries", PODS 2012).
//
// At most `capacity` counters are kept (2x while adding, so a reduction is amortised O(1) per item). A
// reduction subtracts the same amount from every counter and drops those at zero; `error()` is the total
// subtracted so far, so every kept count is at most error() below the true count, never above, and any
// item whose true count exceeds error() (<= total / (capacity + 1)) is kept. Merging adds counters and
// reduces once: associative and commutative in the guarantee.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace logcodes {

class HeavyHitters {
public:
    explicit HeavyHitters(std::size_t capacity = 1000);

    void add(std::string_view item, std::uint64_t n = 1);
    void merge(const HeavyHitters& other);

    struct Entry {
        std::string item;
        std::uint64_t count;  // lower bound; the true count is at most count + error()
    };
    struct Top {
        std::vector<Entry> entries;  // largest first (ties by item), at most `capacity`
        std::uint64_t error = 0;     // every true count is in [count, count + error]; unlisted ones <= error
    };
    Top top() const;

    std::size_t capacity() const noexcept { return capacity_; }
    std::uint64_t total() const noexcept { return total_; }

private:
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    };
    void reduce(std::size_t keep);

    std::size_t capacity_;
    std::unordered_map<std::string, std::uint64_t, Hash, std::equal_to<>> counts_;
    std::uint64_t total_ = 0;
    std::uint64_t error_ = 0;
};

}  // namespace logcodes
