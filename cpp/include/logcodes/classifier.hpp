// The classifier: a raw status token to a code of the protocol, judged against the registry.
#pragma once

#include <cstdint>
#include <string_view>

#include "logcodes/registry.hpp"

namespace logcodes {

enum class CodeStatus : std::uint8_t {
    registered,     // a code in the registry
    unregistered,   // a three-digit value in the protocol's range, but not registered: kept and counted
    invalid,        // not a status code at all ("-", "009", "1000", "abc", "600" for HTTP)
};

struct Classified {
    CodeStatus status = CodeStatus::invalid;
    std::uint16_t code = 0;             // valid when status != invalid
    const CodeEntry* entry = nullptr;   // registered codes only
};

// The value of a token of exactly three digits ("404" -> 404); false for anything else.
inline bool three_digits(std::string_view token, std::uint16_t& code) noexcept {
    if (token.size() != 3) return false;
    const unsigned d0 = static_cast<unsigned char>(token[0]) - '0';
    const unsigned d1 = static_cast<unsigned char>(token[1]) - '0';
    const unsigned d2 = static_cast<unsigned char>(token[2]) - '0';
    if (d0 > 9 || d1 > 9 || d2 > 9) return false;
    code = static_cast<std::uint16_t>(d0 * 100 + d1 * 10 + d2);
    return true;
}

inline Classified classify(Protocol p, std::string_view token) noexcept {
    Classified c;
    std::uint16_t code = 0;
    if (!three_digits(token, code) || code < min_code(p) || code > max_code(p)) return c;
    c.code = code;
    c.entry = find_code(p, code);
    c.status = c.entry ? CodeStatus::registered : CodeStatus::unregistered;
    return c;
}

}  // namespace logcodes
