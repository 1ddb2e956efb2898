// The lines format detection looks at, gathered from bytes that arrive in pieces.
//
// Detection must not be left with nothing by a few bad lines at the start of an input: a line longer than
// kDetectLineBytes or holding binary bytes (a NUL, or control bytes in more than 1/16 of it) is skipped
// without being kept, and sampling goes on. Readers feed at most kDetectReadBytes of an input (what a
// pipe's reader must hold to hand the bytes on afterwards); the sample is complete at kDetectLines
// non-blank usable lines or kDetectBytes of them. Where the pieces are cut never changes the sample.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "logcodes/error.hpp"
#include "logcodes/formats/format.hpp"
#include "logcodes/source.hpp"

namespace logcodes {

inline constexpr std::size_t kDetectLineBytes = 64 * 1024;
inline constexpr std::size_t kDetectReadBytes = 16 * 1024 * 1024;

class DetectSample {
public:
    // Adds bytes (the rest of a piece is ignored once the sample is complete); true once it is complete.
    bool feed(std::string_view bytes);
    bool complete() const noexcept { return complete_; }
    // The detection from the lines kept; `at_end`: the input ended, so an unterminated last line counts.
    Detection finish(bool at_end);

private:
    void end_line();

    std::string kept_;             // usable lines, each with its '\n'
    std::string line_;             // the line being read, while it is short enough to keep
    bool overlong_ = false;        // the line being read passed kDetectLineBytes: skipped to its end
    std::size_t non_blank_ = 0;
    // The journal export format (its first line a __CURSOR= field): complete at kDetectLines MESSAGE fields.
    bool export_ = false;
    std::size_t messages_ = 0;
    std::size_t skipped_long_ = 0;
    std::size_t skipped_binary_ = 0;
    bool complete_ = false;
};

// Reads from `src` what detection needs into `head` (every byte read, for the caller to hand on), at most
// kDetectReadBytes, and detects the format from it.
Detection detect_from(Source& src, std::string& head);
// Opens the input and detects its format (the bytes read are dropped: the scan reads the input anew).
Error detect_input(const InputInfo& info, Detection& out);

}  // namespace logcodes
