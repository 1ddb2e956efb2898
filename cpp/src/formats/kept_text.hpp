// A short text a parser keeps past its line (a SIP message's Call-ID, tags, branch ...), cut at N bytes, in
// place: no allocation, and a copy by a few fixed-size moves instead of a library call, since a trace keeps a
// dozen such values per message.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace logcodes {

// Copies n bytes (sizeof(W) <= n <= 2 * sizeof(W)) as two W-sized moves, the first and the last, overlapping.
template <class W>
inline void copy_both_ends(char* d, const char* s, std::size_t n) noexcept {
    W a, b;
    std::memcpy(&a, s, sizeof(W));
    std::memcpy(&b, s + n - sizeof(W), sizeof(W));
    std::memcpy(d, &a, sizeof(W));
    std::memcpy(d + n - sizeof(W), &b, sizeof(W));
}

// Copies `n` bytes with fixed-size moves that overlap where `n` is not a multiple of their size.
inline void copy_short(char* d, const char* s, std::size_t n) noexcept {
    if (n >= 16) {
        char chunk[16];
        for (std::size_t i = 0; i + 16 < n; i += 16) {
            std::memcpy(chunk, s + i, 16);
            std::memcpy(d + i, chunk, 16);
        }
        std::memcpy(chunk, s + n - 16, 16);
        std::memcpy(d + n - 16, chunk, 16);
    } else if (n >= 8) {
        copy_both_ends<std::uint64_t>(d, s, n);
    } else if (n >= 4) {
        copy_both_ends<std::uint32_t>(d, s, n);
    } else if (n > 0) {
        d[0] = s[0];
        d[n / 2] = s[n / 2];
        d[n - 1] = s[n - 1];
    }
}

template <std::size_t N>
class KeptText {
public:
    // Keeps the first N bytes of `s`.
    void assign(std::string_view s) noexcept {
        size_ = static_cast<std::uint32_t>(s.size() < N ? s.size() : N);
        copy_short(data_, s.data(), size_);
    }
    void clear() noexcept { size_ = 0; }
    bool empty() const noexcept { return size_ == 0; }
    std::size_t size() const noexcept { return size_; }
    char& operator[](std::size_t i) noexcept { return data_[i]; }
    operator std::string_view() const noexcept { return {data_, size_}; }

private:
    char data_[N];
    std::uint32_t size_ = 0;
};

}  // namespace logcodes
