// A log format: turns one record's text into a Record. Built-in formats are looked up by name;
// `detect_format` picks one from a sample of the input's first lines.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "logcodes/record.hpp"

namespace logcodes {

// How Record::time is written, so the aggregator can bucket it.
enum class TimeSyntax : unsigned char { none = 0, clf };  // clf: "10/Oct/2000:13:55:36 -0700"

class Format {
public:
    virtual ~Format() = default;
    virtual std::string_view name() const noexcept = 0;
    virtual std::string_view description() const noexcept = 0;
    virtual TimeSyntax time_syntax() const noexcept = 0;
    // Parses one line (a trailing '\r' is tolerated). False: the line is not of this format.
    // Lenient by design: missing or extra trailing fields do not matter once the code is found.
    virtual bool parse(std::string_view line, Record& out) const noexcept = 0;
    // Strict shape check used by detection: the line has exactly this format's fields.
    virtual bool matches(std::string_view line) const noexcept = 0;
};

// A built-in format by name (or alias), nullptr when unknown.
const Format* find_format(std::string_view name) noexcept;
// Names of the built-in formats, in detection preference order (most specific first), plus aliases.
std::vector<std::string_view> format_names();

struct Detection {
    const Format* format = nullptr;   // nullptr: nothing matched (every line will count as unparsed)
    std::size_t sample_lines = 0;     // non-blank lines looked at
    std::size_t matched = 0;          // how many of them the chosen format matches strictly
    std::string explanation;          // e.g. "combined: 64 of 64 sample lines match"
};

// The sample is the complete lines within `head` (the first bytes of the input), at most
// kDetectLines of them; when `at_end` is true an unterminated last line counts too.
inline constexpr std::size_t kDetectBytes = 64 * 1024;
inline constexpr std::size_t kDetectLines = 64;
Detection detect_format(std::string_view head, bool at_end);

}  // namespace logcodes
