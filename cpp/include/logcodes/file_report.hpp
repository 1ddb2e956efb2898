// What a scan read of one input: the format it used and why, and how much it read.
#pragma once

#include <cstdint>
#include <string>

#include "logcodes/error.hpp"
#include "logcodes/source.hpp"

namespace logcodes {

struct FileReport {
    std::string path;
    std::string format;          // the format of the lines ("" when none could be detected)
    std::string wrapper;         // the envelope around them ("syslog", "cri" ...; "" when none)
    std::string detection;       // why: the detection's explanation, or "given"
    Compression compression = Compression::none;
    std::uint64_t size = 0;      // bytes on disk (0 for pipes)
    std::uint64_t lines = 0;
    std::uint64_t records = 0;
    std::uint64_t packets = 0;          // captures: packets read
    std::uint64_t skipped_packets = 0;  // captures: packets without SIP in them
    std::uint64_t evictions = 0;        // captures: fragment sets and TCP flows dropped by the table bounds
    Error error;                 // first error met in this input; its counts before the error are kept

    // Adds another piece of the same file (a distributed scan cuts files into byte ranges): what was read
    // adds up; format and detection are the same in every piece that detected (each detects from the
    // file's head), so the first that says is kept; the first error stays.
    void add_piece(const FileReport& other);
};

}  // namespace logcodes
