#include "logcodes/sorted_groups.hpp"

#include <algorithm>
#include <numeric>

#include "logcodes/text_escape.hpp"
#include "logcodes/time.hpp"

namespace logcodes {

SortedGroups sorted_groups(const Aggregator& a) {
    SortedGroups flat;
    bool width_known = false;
    a.for_each([&](std::span<const KeyValue> key, std::uint64_t n) {
        if (!width_known) {
            flat.width = key.size();
            width_known = true;
        }
        for (const KeyValue& v : key) {
            SortedGroups::Cell c;
            if (v.is_text) {
                if (!v.text.empty()) {
                    c.kind = SortedGroups::Kind::text;
                    c.offset = flat.arena.size();
                    append_escaped_text(flat.arena, v.text);
                    c.size = flat.arena.size() - c.offset;
                }
            } else if (v.number != kNoTime) {
                c.kind = SortedGroups::Kind::number;
                c.number = v.number;
            }
            flat.cells.push_back(c);
        }
        flat.counts.push_back(n);
    });
    const std::size_t w = flat.width;
    std::vector<std::uint32_t> order(flat.counts.size());
    std::iota(order.begin(), order.end(), 0u);
    auto less = [&](std::uint32_t x, std::uint32_t y) {
        for (std::size_t i = 0; i < w; ++i) {
            const auto& cx = flat.cells[x * w + i];
            const auto& cy = flat.cells[y * w + i];
            if (cx.kind != cy.kind) return cx.kind < cy.kind;
            if (cx.kind == SortedGroups::Kind::number) {
                if (cx.number != cy.number) return cx.number < cy.number;
            } else if (cx.kind == SortedGroups::Kind::text) {
                const int c = flat.text(cx).compare(flat.text(cy));
                if (c != 0) return c < 0;
            }
        }
        return false;
    };
    std::sort(order.begin(), order.end(), less);
    SortedGroups out;
    out.width = w;
    out.arena = std::move(flat.arena);
    out.cells.reserve(flat.cells.size());
    out.counts.reserve(flat.counts.size());
    for (std::uint32_t g : order) {
        out.cells.insert(out.cells.end(), flat.cells.begin() + static_cast<std::ptrdiff_t>(g * w),
                         flat.cells.begin() + static_cast<std::ptrdiff_t>(g * w + w));
        out.counts.push_back(flat.counts[g]);
    }
    return out;
}

}  // namespace logcodes
