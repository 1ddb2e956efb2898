// The built-in formats, family by family. Each family lists its formats with a detection priority:
// when two formats match the same number of sample lines, the lower priority (more specific) wins.
#pragma once

#include <span>
#include <string_view>

#include "logcodes/formats/format.hpp"

namespace logcodes {

struct BuiltinFormat {
    std::string_view name;     // the name users pass as format= (aliases are extra entries)
    const Format* format;
    int priority;              // detection order; ignored for aliases
    bool detectable;           // false for aliases and for formats indistinguishable from another one
};

std::span<const BuiltinFormat> access_log_formats();   // formats/catalogue.cpp: CLF family
std::span<const BuiltinFormat> all_builtin_formats();  // every family, in priority order

}  // namespace logcodes
