// Log text as it leaves the core: valid UTF-8 from which the original bytes can be recovered exactly.
//
// Logs are bytes. Every text handed to Python or written to Arrow (keys, samples, reasons, templates,
// record columns) keeps valid UTF-8 sequences as they are and writes every other byte as the four
// characters `\xNN` (lowercase hex). So that a byte and the same four characters written in the log stay
// apart, a backslash of the log is doubled when what follows it would read as such an escape (`\x` and
// two hex digits, or another backslash, or an escaped byte): `\xff` in a log becomes `\\xff`, while
// `C:\Windows` and `\"` stay as they are. The mapping is injective; `logcodes.raw_bytes()` inverts it.
#pragma once

#include <string>
#include <string_view>

namespace logcodes {

// True when `s` leaves the core unchanged (valid UTF-8, no backslash to double): the common case,
// checked eight bytes at a time.
bool text_is_plain(std::string_view s) noexcept;

// Appends the escaped form of `s` to `out`.
void append_escaped_text(std::string& out, std::string_view s);

// `s` itself when it is plain, else its escaped form built in `scratch`.
std::string_view escaped_text(std::string_view s, std::string& scratch);

}  // namespace logcodes
