// The line framer: splits a byte stream into records (one line each) without copying.
//
// The framer owns one reusable buffer. Callers read straight into writable(), then commit(n) hands every
// complete line to a callback as a string_view into the buffer; the unfinished tail is moved to the front
// and completed by the next read. A line longer than `max_record` is reported once (its head, for a
// sample) and the rest of it is skipped, so memory stays bounded whatever the input. Every line handed
// out is followed by at least kLinePadding readable bytes (for SIMD parsers such as simdjson).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <span>
#include <string_view>
#include <type_traits>

#include "logcodes/simd.hpp"

namespace logcodes {

struct LineEvent {
    std::string_view text;      // the line without its '\n' (a '\r' before it is kept: parsers strip it)
    std::uint64_t offset;       // byte offset of the line's first byte in the stream
    bool overlong;              // true: longer than max_record; `text` is only its head
    // The framed bytes after this line's '\n' (whole lines, then maybe the start of an unfinished one),
    // for callbacks that may take lines ahead (LineSkip); empty when there are none or they cannot be.
    std::string_view ahead{};
    std::size_t max_record = 0; // lines at or over this length must be left to the framer (overlong)
};

// What a callback may return instead of bool: whether to go on, and how many bytes after the line's
// '\n' it has consumed itself (whole lines, ending right after a '\n'); the framer skips them.
struct LineSkip {
    bool go_on = true;
    std::size_t bytes = 0;
};

class LineFramer {
public:
    explicit LineFramer(std::size_t block_size = 1 << 20, std::size_t max_record = 64u << 20);

    // Starts a new stream whose first byte is at `offset`.
    void reset(std::uint64_t offset = 0) noexcept;

    // A writable area of at least block_size bytes (grows the buffer for a long pending line).
    std::span<char> writable();

    // Accepts `n` bytes written into writable(). Calls `on_line(const LineEvent&)` for each complete line;
    // a callback returning false stops framing (the rest is dropped: the caller is done with the stream).
    template <class OnLine>
    bool commit(std::size_t n, OnLine&& on_line);

    // Copies `bytes` in and frames them (for callers that receive data from elsewhere, e.g. a stream).
    template <class OnLine>
    bool feed(std::string_view bytes, OnLine&& on_line);

    // Ends the stream: an unterminated last line is handed over.
    template <class OnLine>
    void finish(OnLine&& on_line);

    std::size_t pending() const noexcept { return len_; }
    std::string_view pending_bytes() const noexcept { return {buf_.get(), len_}; }
    std::size_t block_size() const noexcept { return block_; }

private:
    struct FreeDeleter {
        void operator()(char* p) const noexcept { std::free(p); }
    };
    void grow(std::size_t min_capacity);
    static constexpr std::size_t kMaskWords = 64;  // newline masks per kernel call: 4 KiB of input

    std::unique_ptr<char, FreeDeleter> buf_;
    std::size_t cap_ = 0;
    std::size_t len_ = 0;          // bytes pending at the front of buf_: the unfinished line
    std::size_t block_;
    std::size_t max_record_;
    std::uint64_t offset_ = 0;     // stream offset of buf_[0]
    bool skipping_ = false;        // inside an over-long line: drop bytes up to the next '\n'
};

// A callback's answer, bool or LineSkip, as "go on?" (where nothing may be skipped).
inline bool keep_going(bool go_on) noexcept { return go_on; }
inline bool keep_going(const LineSkip& s) noexcept { return s.go_on; }

template <class OnLine>
bool LineFramer::commit(std::size_t n, OnLine&& on_line) {
    char* const base = buf_.get();
    std::size_t scan = len_;
    len_ += n;
    std::size_t start = 0;
    if (skipping_) {
        const void* nl = std::memchr(base + scan, '\n', len_ - scan);
        if (!nl) {
            offset_ += len_;
            len_ = 0;
            return true;
        }
        start = static_cast<std::size_t>(static_cast<const char*>(nl) - base) + 1;
        scan = start;
        skipping_ = false;
    }
    // Newlines are found 64 bytes at a time (a bit mask per word, see simd.hpp), a few KiB per call; the
    // last word may read past len_ into the buffer's padding, and its bits beyond len_ are cleared.
    std::uint64_t masks[kMaskWords];
    std::size_t pos = scan;
    while (pos < len_) {
        const std::size_t avail = len_ - pos;
        const std::size_t words = avail >= kMaskWords * 64 ? kMaskWords : (avail + 63) / 64;
        simd::byte_masks(base + pos, words, '\n', masks);
        if (avail % 64 != 0 && words * 64 > avail) masks[words - 1] &= (std::uint64_t{1} << (avail % 64)) - 1;
        std::size_t next = pos + words * 64;
        for (std::size_t w = 0; w < words; ++w) {
            std::uint64_t m = masks[w];
            while (m != 0) {
                const std::size_t nl = pos + w * 64 + static_cast<std::size_t>(__builtin_ctzll(m));
                m &= m - 1;
                const std::size_t len = nl - start;
                // A line at or over the limit is over-long however the blocks happened to fall, and its head
                // is always max_record bytes: what is reported must not depend on where reads ended.
                const bool over = len >= max_record_;
                if constexpr (std::is_same_v<std::invoke_result_t<OnLine&, const LineEvent&>, LineSkip>) {
                    const LineEvent ev{std::string_view(base + start, over ? max_record_ : len), offset_ + start,
                                       over, std::string_view(base + nl + 1, len_ - nl - 1), max_record_};
                    start = nl + 1;
                    const LineSkip s = on_line(ev);
                    if (!s.go_on) return false;
                    if (s.bytes != 0) {
                        // Lines taken by the callback: go on after them, in this window or a new one.
                        start += s.bytes;
                        if (start >= pos + words * 64) {
                            next = start;
                            w = words;  // leaves both loops: the next window starts at `start`
                            break;
                        }
                        w = (start - pos) / 64;
                        m = masks[w] & (~std::uint64_t{0} << ((start - pos) % 64));
                    }
                } else {
                    const LineEvent ev{std::string_view(base + start, over ? max_record_ : len), offset_ + start, over};
                    start = nl + 1;
                    if (!on_line(ev)) return false;
                }
            }
        }
        pos = next;
    }
    const std::size_t rest = len_ - start;
    if (rest >= max_record_) {
        // Report the head once, then skip the remainder of this line.
        const LineEvent ev{std::string_view(base + start, max_record_), offset_ + start, true};
        const bool go_on = keep_going(on_line(ev));
        offset_ += len_;
        len_ = 0;
        skipping_ = true;
        return go_on;
    }
    if (start > 0) {
        if (rest > 0) std::memmove(base, base + start, rest);
        offset_ += start;
        len_ = rest;
    }
    return true;
}

template <class OnLine>
bool LineFramer::feed(std::string_view bytes, OnLine&& on_line) {
    while (!bytes.empty()) {
        auto area = writable();
        const std::size_t n = bytes.size() < area.size() ? bytes.size() : area.size();
        std::memcpy(area.data(), bytes.data(), n);
        bytes.remove_prefix(n);
        if (!commit(n, on_line)) return false;
    }
    return true;
}

template <class OnLine>
void LineFramer::finish(OnLine&& on_line) {
    if (len_ > 0 && !skipping_) {
        const bool over = len_ >= max_record_;
        const LineEvent ev{std::string_view(buf_.get(), over ? max_record_ : len_), offset_, over};
        (void)keep_going(on_line(ev));
    }
    offset_ += len_;
    len_ = 0;
    skipping_ = false;
}

}  // namespace logcodes
