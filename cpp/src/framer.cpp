#include "logcodes/framer.hpp"

#include <new>

#include "logcodes/record.hpp"

namespace logcodes {

namespace {
constexpr std::size_t kAlignment = 64;  // cache line: keeps SIMD scans of the buffer aligned

std::size_t round_up(std::size_t n) { return (n + kAlignment - 1) / kAlignment * kAlignment; }
}  // namespace

LineFramer::LineFramer(std::size_t block_size, std::size_t max_record)
    : block_(block_size == 0 ? 1 : block_size), max_record_(max_record == 0 ? 1 : max_record) {
    grow(block_ * 2);
}

void LineFramer::reset(std::uint64_t offset) noexcept {
    len_ = 0;
    offset_ = offset;
    skipping_ = false;
}

void LineFramer::grow(std::size_t min_capacity) {
    const std::size_t cap = round_up(min_capacity);
    // Padding past the usable capacity: parsers may read kLinePadding bytes beyond any line.
    char* p = static_cast<char*>(std::aligned_alloc(kAlignment, cap + round_up(kLinePadding)));
    if (!p) throw std::bad_alloc();
    if (len_ > 0) std::memcpy(p, buf_.get(), len_);
    buf_.reset(p);
    cap_ = cap;
}

std::span<char> LineFramer::writable() {
    if (cap_ - len_ < block_) {
        std::size_t want = cap_ * 2;
        while (want - len_ < block_) want *= 2;
        grow(want);
    }
    return {buf_.get() + len_, block_};
}

}  // namespace logcodes
