#include "logcodes/text_escape.hpp"

#include <cstdint>
#include <cstring>

namespace logcodes {

namespace {

// Length of the valid UTF-8 sequence starting at s[i] (1 for ASCII), or 0 when the byte there is not
// the start of one: no overlong forms, surrogates or values past U+10FFFF (as Python's decoder).
std::size_t utf8_length(std::string_view s, std::size_t i) noexcept {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) return 1;
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if (b >= 0xc2 && b <= 0xdf) len = 2, cp = b & 0x1fu;
    else if (b >= 0xe0 && b <= 0xef) len = 3, cp = b & 0x0fu;
    else if (b >= 0xf0 && b <= 0xf4) len = 4, cp = b & 0x07u;
    else return 0;
    if (i + len > s.size()) return 0;
    for (std::size_t k = 1; k < len; ++k) {
        const auto cb = static_cast<unsigned char>(s[i + k]);
        if ((cb & 0xc0) != 0x80) return 0;
        cp = (cp << 6) | (cb & 0x3fu);
    }
    if (len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) return 0;
    if (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) return 0;
    return len;
}

bool is_hex(char c) noexcept {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Whether the backslash at s[i] must be doubled: what follows it in the escaped text would otherwise
// read as an escape (another backslash — of the log or of an escaped byte — or `x` and two hex digits).
bool backslash_needs_doubling(std::string_view s, std::size_t i) noexcept {
    if (i + 1 >= s.size()) return false;
    const char next = s[i + 1];
    if (next == '\\' || utf8_length(s, i + 1) == 0) return true;
    return next == 'x' && i + 3 < s.size() && is_hex(s[i + 2]) && is_hex(s[i + 3]);
}

// Eight bytes with no high bit and no backslash.
bool word_is_simple(const char* p) noexcept {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    constexpr std::uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    const std::uint64_t x = w ^ (ones * '\\');  // a zero byte where there is a backslash
    return ((w | ((x - ones) & ~x)) & highs) == 0;
}

}  // namespace

bool text_is_plain(std::string_view s) noexcept {
    std::size_t i = 0;
    for (; i + 8 <= s.size(); i += 8)
        if (!word_is_simple(s.data() + i)) break;
    while (i < s.size()) {
        const char c = s[i];
        if (c == '\\') {
            if (backslash_needs_doubling(s, i)) return false;
            ++i;
            continue;
        }
        const std::size_t len = utf8_length(s, i);
        if (len == 0) return false;
        i += len;
    }
    return true;
}

void append_escaped_text(std::string& out, std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::size_t i = 0;
    while (i < s.size()) {
        // A run of plain ASCII (most of any log) is appended at once.
        std::size_t j = i;
        for (; j + 8 <= s.size(); j += 8)
            if (!word_is_simple(s.data() + j)) break;
        while (j < s.size() && static_cast<unsigned char>(s[j]) < 0x80 && s[j] != '\\') ++j;
        out.append(s.data() + i, j - i);
        i = j;
        if (i == s.size()) break;
        if (s[i] == '\\') {
            out.append(backslash_needs_doubling(s, i) ? 2 : 1, '\\');
            ++i;
            continue;
        }
        const std::size_t len = utf8_length(s, i);
        if (len == 0) {
            const auto b = static_cast<unsigned char>(s[i]);
            const char esc[4] = {'\\', 'x', kHex[b >> 4], kHex[b & 15]};
            out.append(esc, 4);
            ++i;
        } else {
            out.append(s.data() + i, len);
            i += len;
        }
    }
}

std::string_view escaped_text(std::string_view s, std::string& scratch) {
    if (text_is_plain(s)) return s;
    scratch.clear();
    append_escaped_text(scratch, s);
    return scratch;
}

}  // namespace logcodes
