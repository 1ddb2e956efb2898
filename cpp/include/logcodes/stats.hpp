// What a scan saw besides the grouped counts: totals, and a few samples of what could not be counted.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace logcodes {

struct Sample {
    std::uint32_t file_index = 0;   // index into the scan's inputs
    std::uint64_t line = 0;         // 1-based line number in the (decoded) input
    std::uint64_t offset = 0;       // byte offset of the line in the (decoded) input
    std::string text;               // the line, cut to kSampleTextBytes
    std::string why;                // e.g. "not combined", "status \"-\" is not a status code"
};

inline constexpr std::size_t kSampleTextBytes = 512;
inline constexpr std::size_t kDefaultMaxSamples = 5;

struct ScanStats {
    std::uint64_t lines = 0;          // lines read, blank ones included (line numbering)
    std::uint64_t blank = 0;          // empty or whitespace-only lines: not records
    std::uint64_t meta = 0;           // format directives and headers (W3C "#Fields:" ...): not records
    // = counted + retransmissions + call_responses + filtered + unparsed + invalid, where counted counts
    // records (messages, transactions) and call_responses the SIP responses read into calls instead
    std::uint64_t records = 0;
    std::uint64_t filtered = 0;       // valid records a RecordFilter left out (since/until, codes, paths ...)
    std::uint64_t unparsed = 0;       // records that are not of the format
    std::uint64_t invalid = 0;        // parsed records whose status is not a status code
    std::uint64_t unregistered = 0;   // counted records with an in-range but unregistered code
    std::uint64_t requests = 0;       // SIP requests read (they carry no code; they shape transactions and calls)
    std::uint64_t retransmissions = 0;  // responses not counted again: a repeat of a transaction's response
    std::uint64_t calls = 0;          // calls counted (count level "calls")
    std::uint64_t call_responses = 0; // count level "calls": valid SIP responses read into the call table
    std::uint64_t incomplete_calls = 0; // calls without a final response to their INVITE: no code to count
    std::uint64_t inconsistent_calls = 0; // calls whose final code and Q.850 cause disagree (RFC 3398)
    std::uint64_t calls_without_invite = 0;  // Call-IDs with INVITE responses or BYEs but no INVITE read
    std::uint64_t registrations_without_request = 0;  // REGISTER answers whose registration has no REGISTER read
    std::uint64_t events = 0;             // error-log events read
    std::uint64_t explained = 0;          // access-log errors joined with an error-log event
    std::uint64_t unexplained = 0;        // access-log errors to explain that no event explained
    // How the explained ones were joined (explained = by id + by path + by time).
    std::uint64_t joined_by_id = 0, joined_by_path = 0, joined_by_time = 0;
    std::uint64_t bytes = 0;          // decoded bytes framed
    std::vector<Sample> unparsed_samples;
    std::vector<Sample> invalid_samples;
    std::vector<Sample> inconsistent_samples;  // text: the Call-ID; why: the disagreement
    std::vector<Sample> unexplained_samples;   // access-log errors no error-log event explained
    std::vector<Sample> without_request_samples;  // text: the Call-ID; why: what was read instead of the request

    // Adds `other`; samples stay the first ones by (file, line, offset, text), at most `max_samples`.
    void merge(const ScanStats& other, std::size_t max_samples = kDefaultMaxSamples);
};

}  // namespace logcodes
