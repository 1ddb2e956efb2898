// Work over n items split into contiguous parts, one thread per part: for the steps after a scan that
// touch every group (sorting and gathering millions of them), which otherwise run on one core while the
// scan's other threads sit idle.
#pragma once

#include <algorithm>
#include <cstddef>
#include <exception>
#include <thread>
#include <vector>

namespace logcodes {

// How many parts in_parts() makes of n items for `threads` threads: none smaller than a few thousand items
// (a thread costs more than that much work), each but the last a multiple of `align` items.
inline unsigned parts_for(std::size_t n, unsigned threads, std::size_t align = 1) {
    constexpr std::size_t kItemsWorthAThread = std::size_t{1} << 14;
    const std::size_t most = std::max<std::size_t>(1, n / std::max(align, kItemsWorthAThread));
    return static_cast<unsigned>(std::clamp<std::size_t>(threads, 1, most));
}

// Calls f(begin, end, part) for parts_for(n, threads, align) contiguous ranges covering [0, n), part 0 on
// this thread and each other one on a thread of its own; every range but the last starts and ends on a
// multiple of `align`. Waits for all; the first exception thrown by a part is rethrown.
template <class F>
void in_parts(std::size_t n, unsigned threads, F&& f, std::size_t align = 1) {
    const unsigned parts = parts_for(n, threads, align);
    if (parts == 1) {
        f(std::size_t{0}, n, 0u);
        return;
    }
    std::vector<std::size_t> cut(parts + 1, n);
    cut[0] = 0;
    for (unsigned p = 1; p < parts; ++p) cut[p] = n / align * p / parts * align;
    std::vector<std::exception_ptr> errors(parts);
    std::vector<std::thread> running;
    for (unsigned p = 1; p < parts; ++p)
        running.emplace_back([&, p] {
            try {
                f(cut[p], cut[p + 1], p);
            } catch (...) {
                errors[p] = std::current_exception();
            }
        });
    try {
        f(cut[0], cut[1], 0u);
    } catch (...) {
        errors[0] = std::current_exception();
    }
    for (auto& t : running) t.join();
    for (auto& e : errors)
        if (e) std::rethrow_exception(e);
}

}  // namespace logcodes
