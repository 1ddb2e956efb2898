// The aggregator's table of groups: byte-string keys to values, in one flat, open-addressing hash table.
//
// A node-based map (std::unordered_map) allocates a node and a key per group and chases a pointer per probe;
// at a million groups that allocation, the cache misses and the rehashes bound a scan. Here each key is
// copied once into an arena of large blocks (addresses never move), its hash is computed once and kept with
// it (growing and merging never hash again), and the table is an array of 8-byte slots — an entry's index
// and 32 bits of its hash — probed linearly, so a probe reads one slot and compares a key only when those
// bits match. Entries stay in insertion order. There is no erase: groups only ever grow.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string_view>
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
    static constexpr std::size_t kLarge = 2 * kPage;

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

    std::size_t size() const noexcept { return entries_.size(); }
    bool empty() const noexcept { return entries_.empty(); }
    auto begin() const noexcept { return entries_.begin(); }
    auto end() const noexcept { return entries_.end(); }
    auto begin() noexcept { return entries_.begin(); }
    auto end() noexcept { return entries_.end(); }

    V* find(std::string_view key) noexcept { return find_hashed(key, hash(key)); }
    const V* find(std::string_view key) const noexcept { return const_cast<GroupMap*>(this)->find_hashed(key, hash(key)); }
    // With the key's hash already known (an entry of another map): `h` must be hash(key).
    V* find_hashed(std::string_view key, std::uint64_t h) noexcept {
        if (slots_.empty()) return nullptr;
        const std::size_t at = probe(key, h);
        return slots_[at] ? &entries_[(slots_[at] & kIndexMask) - 1].value : nullptr;
    }

    // The value of `key` (hash `h`), made from `args` when the key is new; second: whether it was new. Named
    // apart from try_emplace() so that a value argument is never taken for a hash.
    template <class... Args>
    std::pair<V*, bool> try_emplace_hashed(std::string_view key, std::uint64_t h, Args&&... args) {
        if ((entries_.size() + 1) * 4 > slots_.size() * 3) grow(entries_.size() + 1);
        const std::size_t at = probe(key, h);
        if (slots_[at]) return {&entries_[(slots_[at] & kIndexMask) - 1].value, false};
        if (entries_.size() >= kIndexMask) throw std::length_error("GroupMap: more than 2^32 - 1 groups");
        entries_.push_back(Entry{store(key), h, static_cast<std::uint32_t>(key.size()), V(std::forward<Args>(args)...)});
        slots_[at] = tag(h) | entries_.size();
        return {&entries_.back().value, true};
    }
    template <class... Args>
    std::pair<V*, bool> try_emplace(std::string_view key, Args&&... args) {
        return try_emplace_hashed(key, hash(key), std::forward<Args>(args)...);
    }

    // Room for `n` entries without growing the table again.
    void reserve(std::size_t n) {
        entries_.reserve(n);
        if (n * 4 > slots_.size() * 3) grow(n);
    }

    void clear() noexcept {
        Entries().swap(entries_);  // frees the memory, not only the contents
        Slots().swap(slots_);
        std::vector<std::unique_ptr<char[]>>().swap(blocks_);
        room_ = 0;
        next_ = nullptr;
    }

    void swap(GroupMap& o) noexcept {
        entries_.swap(o.entries_);
        slots_.swap(o.slots_);
        blocks_.swap(o.blocks_);
        std::swap(room_, o.room_);
        std::swap(next_, o.next_);
    }

private:
    static constexpr std::size_t kBlock = std::size_t{1} << 20;
    static constexpr std::uint64_t kIndexMask = 0xffffffffu;
    static std::uint64_t tag(std::uint64_t h) noexcept { return h & ~kIndexMask; }

    // The slot holding `key`, or the empty slot where it would go.
    std::size_t probe(std::string_view key, std::uint64_t h) const noexcept {
        const std::size_t mask = slots_.size() - 1;
        const std::uint64_t t = tag(h);
        for (std::size_t at = static_cast<std::size_t>(h) & mask;; at = (at + 1) & mask) {
            const std::uint64_t s = slots_[at];
            if (s == 0) return at;
            if ((s & ~kIndexMask) == t) {
                const Entry& e = entries_[(s & kIndexMask) - 1];
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
        for (std::size_t i = 0; i < entries_.size(); ++i) {
            std::size_t at = static_cast<std::size_t>(entries_[i].hash) & mask;
            while (slots_[at]) at = (at + 1) & mask;
            slots_[at] = tag(entries_[i].hash) | (i + 1);
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
        for (const Entry& e : o.entries_) try_emplace_hashed(e.key(), e.hash, e.value);
    }

    using Entries = std::vector<Entry, LargeTableAllocator<Entry>>;
    using Slots = std::vector<std::uint64_t, LargeTableAllocator<std::uint64_t>>;
    Entries entries_;
    Slots slots_;  // tag (high 32 bits of the hash) | entry index + 1; 0: empty
    std::vector<std::unique_ptr<char[]>> blocks_;
    std::size_t room_ = 0;
    char* next_ = nullptr;
};

}  // namespace logcodes
