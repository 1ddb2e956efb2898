// What a scan read of one input: the format it used and why, and how much it read.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "logcodes/error.hpp"
#include "logcodes/source.hpp"

namespace logcodes {

// Where an input changed format part-way (docs/detection.md): from line `line` (1-based; 0 when the lines
// before a piece of a file are not known) and byte `offset` on, the lines are read as `format`.
struct FormatChange {
    std::uint64_t line = 0, offset = 0;
    std::string format, wrapper, detection;
    bool operator==(const FormatChange&) const = default;
};

struct FileReport {
    std::string path;
    std::string format;          // the format of the lines ("" when none could be detected)
    std::string wrapper;         // the envelope around them ("syslog", "cri" ...; "" when none)
    std::string detection;       // why: the detection's explanation, or "given"
    double confidence = -1;      // the detection's confidence (0..1, docs/detection.md); -1: the format was given
    Compression compression = Compression::none;
    std::uint64_t size = 0;      // bytes on disk (0 for pipes)
    std::uint64_t lines = 0;
    std::uint64_t records = 0;
    std::uint64_t packets = 0;          // captures: packets read
    std::uint64_t skipped_packets = 0;  // captures: packets without SIP in them
    std::uint64_t evictions = 0;        // captures: fragment sets and TCP flows dropped by the table bounds
    Error error;                 // first error met in this input; its counts before the error are kept
    std::vector<FormatChange> changes;  // format changes part-way, in input order

    // Adds a piece's format change: dropped when that format is already the one in force (every piece starts
    // with the format detected from the file's head, so a piece after a change finds it again at its start).
    void add_change(FormatChange c);
    // The format in force after the changes so far.
    const std::string& format_now() const noexcept { return changes.empty() ? format : changes.back().format; }

    // Adds another piece of the same file (a distributed scan cuts files into byte ranges): what was read
    // adds up; format and detection are the same in every piece that detected (each detects from the
    // file's head), so the first that says is kept; the first error stays.
    void add_piece(const FileReport& other);
};

}  // namespace logcodes
