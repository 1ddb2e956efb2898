// What a piece of a file needs from before it, when its lines depend on earlier lines.
//
// A W3C log's lines read under the last "#Fields:" directive before them (Format::PieceRule::directives):
// a piece that starts after it must read it first. The directive is found by reading backwards from the
// piece's start, a bounded stretch (the scanner looks through the last MiB; past it, a piece guesses and is
// checked once the pieces before it are read).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "logcodes/error.hpp"
#include "logcodes/formats/format.hpp"
#include "logcodes/source.hpp"

namespace logcodes {

struct DirectiveSearch {
    bool found = false;
    std::string line;  // the directive line, without its '\n'
    Error error;       // a read failed: nothing was found
};

// The last line that starts in [from, to) of `file` for which format.directive() holds. Lines of
// `max_record` bytes or more are never directives: the framer hands over only their head, as overlong.
DirectiveSearch last_directive(const OpenFile& file, const std::string& path, std::uint64_t from, std::uint64_t to,
                               const Format& format, std::size_t max_record);

}  // namespace logcodes
