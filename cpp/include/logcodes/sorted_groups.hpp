// The groups of an aggregator flattened into columns, with their text already escaped (text_escape.hpp), and
// the order a Summary lists them in. Built without any Python object, so the bindings sort and escape
// millions of groups with the GIL released and hold it only to make the objects (or the Arrow columns).
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "logcodes/aggregator.hpp"

namespace logcodes {

struct SortedGroups {
    // One dimension's values, rows in the aggregator's order. A dimension is text or numbers; a row without
    // a value (empty text, a number equal to kNoTime) is absent.
    struct Column {
        bool text = false;
        std::vector<std::uint8_t> present;  // 1 per row with a value
        std::vector<std::int64_t> numbers;  // numbers: one per row (0 when absent)
        // Text: one escaped text per row (empty when absent), in the aggregator's keys where the text needs
        // no escaping, else in `own`. Copying millions of keys into one more buffer cost more than sorting.
        std::vector<std::string_view> texts;
        std::size_t text_bytes = 0;  // the texts' sizes, added up

        std::string_view text_at(std::size_t row) const noexcept { return texts[row]; }
        std::size_t present_count() const noexcept;
    };
    std::vector<Column> columns;        // one per dimension
    std::vector<std::uint64_t> counts;  // one per row
    // The rows in the order of Python's Summary: element by element, numbers before text before absent
    // values; numbers ascending, text by bytes (for UTF-8 the order of code points, Python's str order).
    std::vector<std::uint32_t> order;
    std::deque<std::string> own;  // texts not kept by the aggregator (escaped, or folded from dense counts)

    std::size_t size() const noexcept { return counts.size(); }
    std::size_t width() const noexcept { return columns.size(); }
};

// Sorting compares no pair of keys element by element: each key is read as bytes whose order is the order
// above, and the rows are sorted on 16 of those bytes at a time held inline, only rows still tied reading
// the next 16 (a most-significant-digit radix sort with 128-bit digits).
// The texts may point into `a`'s keys: `a` must outlive the result and not change meanwhile. The sort runs
// on up to `threads` threads; the result does not depend on how many.
SortedGroups sorted_groups(const Aggregator& a, unsigned threads = 1);

}  // namespace logcodes
