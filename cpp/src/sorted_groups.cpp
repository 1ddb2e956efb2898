#include "logcodes/sorted_groups.hpp"

#include <algorithm>
#include <cstring>
#include <thread>

#include "logcodes/in_parts.hpp"
#include "logcodes/text_escape.hpp"
#include "logcodes/time.hpp"

namespace logcodes {

namespace {

// A row's key as bytes that compare like the keys (memcmp order): per element a kind byte (0 number,
// 1 text, 2 absent), then a number as 8 big-endian bytes with the sign bit flipped, or text with each
// 0x00 written 0x00 0x01 and ended by 0x00 0x00. No key is a prefix of another, so two keys are decided
// within the shorter one's bytes. `window` reads bytes [from, from + 16) as two big-endian words (zero past
// the key's end) and says whether the key goes on after them.
struct Window {
    std::uint64_t hi = 0, lo = 0;
    bool more = false;
};

class KeyBytes {
public:
    explicit KeyBytes(std::size_t from) : from_(from), to_(from + 16) {}
    bool full() const noexcept { return pos_ >= to_; }
    void put(unsigned char b) noexcept {
        if (pos_ >= from_ && pos_ < to_) out_[pos_ - from_] = b;
        ++pos_;
    }
    // Bytes that end before the window need not be written.
    bool skip(std::size_t n) noexcept {
        if (pos_ + n > from_) return false;
        pos_ += n;
        return true;
    }
    std::size_t pos() const noexcept { return pos_; }
    Window done(bool more) const noexcept {
        Window w;
        for (int i = 0; i < 8; ++i) w.hi = (w.hi << 8) | out_[i];
        for (int i = 8; i < 16; ++i) w.lo = (w.lo << 8) | out_[i];
        w.more = more || pos_ > to_;
        return w;
    }

private:
    std::size_t from_, to_, pos_ = 0;
    unsigned char out_[16] = {};
};

Window window(const SortedGroups& g, std::uint32_t row, std::size_t from) {
    KeyBytes k(from);
    for (const SortedGroups::Column& c : g.columns) {
        if (k.full()) return k.done(true);
        if (!c.present[row]) {
            k.put(2);
        } else if (!c.text) {
            if (k.skip(9)) continue;
            k.put(0);
            const std::uint64_t u = static_cast<std::uint64_t>(c.numbers[row]) ^ (std::uint64_t{1} << 63);
            for (int i = 7; i >= 0; --i) k.put(static_cast<unsigned char>(u >> (8 * i)));
        } else {
            const std::string_view t = c.text_at(row);
            if (k.pos() + t.size() + 3 <= from && std::memchr(t.data(), 0, t.size()) == nullptr && k.skip(t.size() + 3))
                continue;
            k.put(1);
            for (const char ch : t) {
                if (k.full()) return k.done(true);
                k.put(static_cast<unsigned char>(ch));
                if (ch == 0) k.put(1);
            }
            k.put(0);
            k.put(0);
        }
    }
    return k.done(false);
}

struct Item {
    std::uint64_t hi, lo;
    std::uint32_t row;
    bool more;
};

bool window_less(const Item& x, const Item& y) noexcept { return x.hi != y.hi ? x.hi < y.hi : x.lo < y.lo; }

void fill_windows(const SortedGroups& g, Item* begin, Item* end, std::size_t from) {
    for (Item* it = begin; it != end; ++it) {
        const Window w = window(g, it->row, from);
        it->hi = w.hi;
        it->lo = w.lo;
        it->more = w.more;
    }
}

void sort_items(const SortedGroups& g, Item* begin, Item* end, std::size_t from);

// Items whose windows (bytes [from, from + 16)) are filled in.
void sort_filled(const SortedGroups& g, Item* begin, Item* end, std::size_t from) {
    std::sort(begin, end, window_less);
    // Rows tied on these 16 bytes both go on past them (neither key is a prefix of the other): the next 16.
    for (Item* run = begin; run != end;) {
        Item* last = run + 1;
        while (last != end && last->hi == run->hi && last->lo == run->lo) ++last;
        if (last - run > 1 && run->more) sort_items(g, run, last, from + 16);
        run = last;
    }
}

void sort_items(const SortedGroups& g, Item* begin, Item* end, std::size_t from) {
    fill_windows(g, begin, end, from);
    sort_filled(g, begin, end, from);
}

// Items with their first windows filled in, sorted on `threads` threads: split around the median of a
// sample (items tied on their window all fall on one side, so ties are still settled within one range),
// each side sorted on its share of the threads.
void sort_on_threads(const SortedGroups& g, Item* begin, Item* end, unsigned threads) {
    constexpr std::ptrdiff_t kWorthAThread = 1 << 16;
    const std::ptrdiff_t n = end - begin;
    if (threads <= 1 || n < kWorthAThread) return sort_filled(g, begin, end, 0);
    std::vector<Item> sample;
    for (std::ptrdiff_t i = 0; i < 255; ++i) sample.push_back(begin[n * i / 255]);
    std::nth_element(sample.begin(), sample.begin() + 127, sample.end(), window_less);
    const Item pivot = sample[127];
    Item* mid = std::partition(begin, end, [&](const Item& x) { return window_less(x, pivot); });
    if (mid == begin) {  // the pivot is the smallest window: it and its ties go left
        mid = std::partition(begin, end, [&](const Item& x) { return !window_less(pivot, x); });
        if (mid == end) return sort_filled(g, begin, end, 0);  // every window the same
    }
    const unsigned left = threads / 2;
    std::thread other([&] { sort_on_threads(g, begin, mid, left); });
    sort_on_threads(g, mid, end, threads - left);
    other.join();
}

}  // namespace

std::size_t SortedGroups::Column::present_count() const noexcept {
    std::size_t n = 0;
    for (std::uint8_t p : present) n += p;
    return n;
}

SortedGroups sorted_groups(const Aggregator& a, unsigned threads) {
    SortedGroups g;
    const std::size_t width = a.spec().dims.size();
    g.columns.resize(width);
    // Reserved up front: at millions of groups, growing by doubling copied every column again and touched
    // twice its memory.
    const std::size_t rows = a.groups_hint();
    g.counts.reserve(rows);
    for (SortedGroups::Column& c : g.columns) c.present.reserve(rows);
    // Keys folded from dense counts live only during for_each(): their texts are copied.
    const bool keys_kept = a.keys_outlive_for_each();
    std::string scratch;
    bool typed = false;
    a.for_each([&](std::span<const KeyValue> key, std::uint64_t n) {
        if (!typed) {
            for (std::size_t j = 0; j < width; ++j) {
                SortedGroups::Column& c = g.columns[j];
                c.text = key[j].is_text;
                if (c.text) c.texts.reserve(rows);
                else c.numbers.reserve(rows);
            }
            typed = true;
        }
        for (std::size_t j = 0; j < width; ++j) {
            const KeyValue& v = key[j];
            SortedGroups::Column& c = g.columns[j];
            if (c.text) {
                std::string_view t = v.is_text ? v.text : std::string_view{};
                if (!t.empty()) {
                    const std::string_view escaped = escaped_text(t, scratch);
                    if (!keys_kept || escaped.data() != t.data()) t = g.own.emplace_back(escaped);
                }
                c.texts.push_back(t);
                c.text_bytes += t.size();
                c.present.push_back(!t.empty());
            } else {
                const bool present = !v.is_text && v.number != kNoTime;
                c.numbers.push_back(present ? v.number : 0);
                c.present.push_back(present);
            }
        }
        g.counts.push_back(n);
    });
    std::vector<Item> items(g.size());
    in_parts(items.size(), threads, [&](std::size_t from, std::size_t to, unsigned) {
        for (std::size_t i = from; i < to; ++i) items[i].row = static_cast<std::uint32_t>(i);
        fill_windows(g, items.data() + from, items.data() + to, 0);
    });
    sort_on_threads(g, items.data(), items.data() + items.size(), threads);
    g.order.resize(items.size());
    in_parts(items.size(), threads, [&](std::size_t from, std::size_t to, unsigned) {
        for (std::size_t i = from; i < to; ++i) g.order[i] = items[i].row;
    });
    return g;
}

}  // namespace logcodes
