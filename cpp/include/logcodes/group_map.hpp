// The aggregator's table of groups: byte-string keys to values, in one flat, open-addressing hash table.
//
// A node-based map (std::unordered_map) allocates a node and a key per group and chases a pointer per probe;
// at a million groups that allocation, the cache misses and the rehashes bound a scan. Here each key is
// copied once into an arena of large blocks (addresses never move), its hash is computed once and kept with
// it (growing and merging never hash again), and the table is an array of 8-byte slots — an entry's index
// and 32 bits of its hash — probed linearly, so a probe reads one slot and compares a key only when those
// bits match. Entries stay in insertion order, in segments of about 2 MiB that never move: growing copies
// no entry (a vector's doubling copied every entry again and touched twice the memory, which at 10 M groups
// cost more than the inserts), and absorb() takes another map's entries' keys without copying them.
// There is no erase: groups only ever grow.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace logcodes {

// Large tables on transparent huge pages where the kernel gives them on request (its "madvise" mode): a
// probe's random access then costs a cache miss, not a TLB miss on top (measured at 10 M groups).
template <class T>
struct LargeTableAllocator {
    using value_type = T;
    static constexpr std::size_t kPage = std::size_t{2} << 20;
    static constexpr std::size_t kLarge = kPage;  // a GroupMap's full segments are one page each

    LargeTableAllocator() = default;
    template <class U>
    LargeTableAllocator(const LargeTableAllocator<U>&) noexcept {}  // NOLINT(google-explicit-constructor)

    T* allocate(std::size_t n) {
        const std::size_t bytes = n * sizeof(T);
        if (bytes < kLarge) return std::allocator<T>{}.allocate(n);
        const std::size_t rounded = (bytes + kPage - 1) / kPage * kPage;
        void* p = std::aligned_alloc(kPage, rounded);
        if (!p) throw std::bad_alloc();
#if defined(MADV_HUGEPAGE)
        madvise(p, rounded, MADV_HUGEPAGE);  // a hint: without huge pages the table works the same
#endif
        return static_cast<T*>(p);
    }
    void deallocate(T* p, std::size_t n) noexcept {
        if (n * sizeof(T) < kLarge) std::allocator<T>{}.deallocate(p, n);
        else std::free(p);
    }
    friend bool operator==(const LargeTableAllocator&, const LargeTableAllocator&) noexcept { return true; }
};

template <class V>
class GroupMap {
public:
    struct Entry {
        const char* data;
        std::uint64_t hash;
        std::uint32_t size;
        V value;
        std::string_view key() const noexcept { return {data, size}; }
    };

private:
    // Entries per segment: a power of two near 2 MiB (a huge page) of entries.
    static constexpr std::size_t kSegmentBits = [] {
        std::size_t bits = 0;
        while ((std::size_t{2} << bits) * sizeof(Entry) <= (std::size_t{2} << 20)) ++bits;
        return bits;
    }();
    static constexpr std::size_t kSegment = std::size_t{1} << kSegmentBits;
    using Segment = std::vector<Entry, LargeTableAllocator<Entry>>;
    using Segments = std::vector<Segment>;

    template <bool Const>
    class Iter {
    public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = Entry;
        using difference_type = std::ptrdiff_t;
        using pointer = std::conditional_t<Const, const Entry*, Entry*>;
        using reference = std::conditional_t<Const, const Entry&, Entry&>;
        using Owner = std::conditional_t<Const, const Segments, Segments>;

        Iter() = default;
        Iter(Owner* segments, std::size_t i) noexcept : segments_(segments), i_(i) {}
        reference operator*() const noexcept { return (*segments_)[i_ >> kSegmentBits][i_ & (kSegment - 1)]; }
        pointer operator->() const noexcept { return &**this; }
        Iter& operator++() noexcept {
            ++i_;
            return *this;
        }
        Iter operator++(int) noexcept {
            Iter old = *this;
            ++i_;
            return old;
        }
        friend bool operator==(const Iter& a, const Iter& b) noexcept { return a.i_ == b.i_; }

    private:
        Owner* segments_ = nullptr;
        std::size_t i_ = 0;
    };

public:
    using iterator = Iter<false>;
    using const_iterator = Iter<true>;

    GroupMap() = default;
    GroupMap(const GroupMap& o) { assign(o); }
    GroupMap& operator=(const GroupMap& o) {
        if (this != &o) {
            clear();
            assign(o);
        }
        return *this;
    }
    GroupMap(GroupMap&& o) noexcept { swap(o); }
    GroupMap& operator=(GroupMap&& o) noexcept {
        if (this != &o) {
            clear();
            swap(o);
        }
        return *this;
    }
    ~GroupMap() = default;

    static std::uint64_t hash(std::string_view key) noexcept { return std::hash<std::string_view>{}(key); }

    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    const_iterator begin() const noexcept { return {&segments_, 0}; }
    const_iterator end() const noexcept { return {&segments_, size_}; }
    iterator begin() noexcept { return {&segments_, 0}; }
    iterator end() noexcept { return {&segments_, size_}; }

    V* find(std::string_view key) noexcept { return find_hashed(key, hash(key)); }
    const V* find(std::string_view key) const noexcept { return const_cast<GroupMap*>(this)->find_hashed(key, hash(key)); }
    // With the key's hash already known (an entry of another map): `h` must be hash(key).
    V* find_hashed(std::string_view key, std::uint64_t h) noexcept {
        if (slots_.empty()) return nullptr;
        const std::size_t at = probe(key, h);
        return slots_[at] ? &entry(slots_[at]).value : nullptr;
    }

    // The value of `key` (hash `h`), made from `args` when the key is new; second: whether it was new. Named
    // apart from try_emplace() so that a value argument is never taken for a hash.
    template <class... Args>
    std::pair<V*, bool> try_emplace_hashed(std::string_view key, std::uint64_t h, Args&&... args) {
        if ((size_ + 1) * 4 > slots_.size() * 3) grow(size_ + 1);
        const std::size_t at = probe(key, h);
        if (slots_[at]) return {&entry(slots_[at]).value, false};
        return {&append(at, store(key), key.size(), h, std::forward<Args>(args)...), true};
    }
    template <class... Args>
    std::pair<V*, bool> try_emplace(std::string_view key, Args&&... args) {
        return try_emplace_hashed(key, hash(key), std::forward<Args>(args)...);
    }

    // Adds every entry of `o` to this map: a new key keeps its bytes where `o` stored them (this map takes
    // over `o`'s storage, nothing is copied), a known key gets combine(value, std::move(o's value)). `o` is
    // left empty. Entries new to this map follow its own in `o`'s order.
    template <class Combine>
    void absorb(GroupMap&& o, Combine&& combine) {
        if (&o == this) return;
        for (Entry& e : o) {
            if ((size_ + 1) * 4 > slots_.size() * 3) grow(size_ + 1);
            const std::size_t at = probe(e.key(), e.hash);
            if (slots_[at]) combine(entry(slots_[at]).value, std::move(e.value));
            else append(at, e.data, e.size, e.hash, std::move(e.value));
        }
        for (auto& b : o.blocks_) blocks_.push_back(std::move(b));
        o.clear();
    }

    // Room for `n` entries without growing the table again.
    void reserve(std::size_t n) {
        if (n * 4 > slots_.size() * 3) grow(n);
    }

    void clear() noexcept {
        Segments().swap(segments_);  // frees the memory, not only the contents
        Slots().swap(slots_);
        std::vector<std::unique_ptr<char[]>>().swap(blocks_);
        size_ = 0;
        room_ = 0;
        next_ = nullptr;
    }

    void swap(GroupMap& o) noexcept {
        segments_.swap(o.segments_);
        slots_.swap(o.slots_);
        blocks_.swap(o.blocks_);
        std::swap(size_, o.size_);
        std::swap(room_, o.room_);
        std::swap(next_, o.next_);
    }

private:
    static constexpr std::size_t kBlock = std::size_t{1} << 20;
    static constexpr std::uint64_t kIndexMask = 0xffffffffu;
    static std::uint64_t tag(std::uint64_t h) noexcept { return h & ~kIndexMask; }

    Entry& at_index(std::size_t i) noexcept { return segments_[i >> kSegmentBits][i & (kSegment - 1)]; }
    const Entry& at_index(std::size_t i) const noexcept { return segments_[i >> kSegmentBits][i & (kSegment - 1)]; }
    Entry& entry(std::uint64_t slot) noexcept { return at_index((slot & kIndexMask) - 1); }
    const Entry& entry(std::uint64_t slot) const noexcept { return at_index((slot & kIndexMask) - 1); }

    // A new entry in slot `at`, with its key's bytes already stored at `data`.
    template <class... Args>
    V& append(std::size_t at, const char* data, std::size_t size, std::uint64_t h, Args&&... args) {
        if (size_ >= kIndexMask) throw std::length_error("GroupMap: more than 2^32 - 1 groups");
        // The first segment grows as a vector does (a small map stays small); later ones are made whole, so
        // no segment ever moves once full.
        if (segments_.empty() || segments_.back().size() == kSegment) {
            segments_.emplace_back();
            if (segments_.size() > 1) segments_.back().reserve(kSegment);
        }
        Segment& s = segments_.back();
        s.push_back(Entry{data, h, static_cast<std::uint32_t>(size), V(std::forward<Args>(args)...)});
        ++size_;
        slots_[at] = tag(h) | size_;
        return s.back().value;
    }

    // The slot holding `key`, or the empty slot where it would go.
    std::size_t probe(std::string_view key, std::uint64_t h) const noexcept {
        const std::size_t mask = slots_.size() - 1;
        const std::uint64_t t = tag(h);
        for (std::size_t at = static_cast<std::size_t>(h) & mask;; at = (at + 1) & mask) {
            const std::uint64_t s = slots_[at];
            if (s == 0) return at;
            if ((s & ~kIndexMask) == t) {
                const Entry& e = entry(s);
                if (e.hash == h && e.size == key.size() && (key.empty() || std::memcmp(e.data, key.data(), key.size()) == 0))
                    return at;
            }
        }
    }

    void grow(std::size_t n) {
        std::size_t cap = std::max<std::size_t>(16, slots_.size());
        while (n * 4 > cap * 3) cap *= 2;
        slots_.assign(cap, 0);
        const std::size_t mask = cap - 1;
        std::size_t i = 0;
        for (const Entry& e : *this) {
            std::size_t at = static_cast<std::size_t>(e.hash) & mask;
            while (slots_[at]) at = (at + 1) & mask;
            slots_[at] = tag(e.hash) | ++i;
        }
    }

    const char* store(std::string_view key) {
        if (key.size() > room_) {
            const std::size_t size = std::max(kBlock, key.size());
            blocks_.push_back(std::make_unique<char[]>(size));
            next_ = blocks_.back().get();
            room_ = size;
        }
        char* at = next_;
        if (!key.empty()) std::memcpy(at, key.data(), key.size());
        next_ += key.size();
        room_ -= key.size();
        return at;
    }

    void assign(const GroupMap& o) {
        reserve(o.size());
        for (const Entry& e : o) try_emplace_hashed(e.key(), e.hash, e.value);
    }

    using Slots = std::vector<std::uint64_t, LargeTableAllocator<std::uint64_t>>;
    Segments segments_;  // entry i is segments_[i / kSegment][i % kSegment]
    std::size_t size_ = 0;
    Slots slots_;  // tag (high 32 bits of the hash) | entry index + 1; 0: empty
    std::vector<std::unique_ptr<char[]>> blocks_;
    std::size_t room_ = 0;
    char* next_ = nullptr;
};

}  // namespace logcodes
