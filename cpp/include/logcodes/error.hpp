// Errors of the core: plain values, no exceptions on the hot path. The bindings turn them into Python
// exceptions once, at the boundary.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace logcodes {

enum class ErrorKind : std::uint8_t {
    none = 0,
    not_found,       // path does not exist
    is_directory,    // path is a directory
    permission,      // cannot open for reading
    io,              // read() failed
    truncated,       // compressed stream ended before its end marker
    corrupt,         // compressed stream is not valid
    bad_argument,    // unknown format name, bad dimension ...
    cancelled,       // scan stopped by the caller
};

std::string_view error_kind_name(ErrorKind k) noexcept;
bool parse_error_kind(std::string_view name, ErrorKind& out) noexcept;

struct Error {
    ErrorKind kind = ErrorKind::none;
    std::string path;          // file the error is about ("" when none)
    std::uint64_t offset = 0;  // byte offset in the file (compressed offset for compressed input)
    std::string message;       // what happened, for people

    explicit operator bool() const noexcept { return kind != ErrorKind::none; }
};

}  // namespace logcodes
