// The groups of an aggregator flattened and put in the order a Summary lists them, with their text
// already escaped (text_escape.hpp). Built without any Python object, so the bindings sort and escape
// hundreds of thousands of groups with the GIL released and hold it only to make the objects.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "logcodes/aggregator.hpp"

namespace logcodes {

struct SortedGroups {
    // The order of Python's Summary: numbers before text before absent values, element by element.
    enum class Kind : std::uint8_t { number = 0, text = 1, none = 2 };
    struct Cell {
        Kind kind = Kind::none;
        std::int64_t number = 0;
        std::size_t offset = 0;  // text: where it is in `arena`
        std::size_t size = 0;
    };
    std::size_t width = 0;             // cells per group
    std::vector<Cell> cells;           // width cells per group, groups in order
    std::vector<std::uint64_t> counts; // one per group
    std::string arena;                 // the escaped text of every cell

    std::size_t size() const noexcept { return counts.size(); }
    std::string_view text(const Cell& c) const noexcept { return std::string_view(arena).substr(c.offset, c.size); }
};

// Text compares by bytes, which for UTF-8 is the order of code points (Python's str order); a number
// equal to kNoTime and empty text are absent values.
SortedGroups sorted_groups(const Aggregator& a);

}  // namespace logcodes
