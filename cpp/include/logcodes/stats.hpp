// What a scan saw besides the grouped counts: totals, and a few samples of what could not be counted.
//
// The counters and sample lists are declared once, in the two lists below: the struct, its merge, its
// Python binding (keyword construction, read-only properties, pickling) and Summary's attributes are all
// made from them, so a new counter is one line here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace logcodes {

struct Sample {
    std::uint32_t file_index = 0;   // index into the scan's inputs
    std::uint64_t line = 0;         // 1-based line number in the (decoded) input (0: unknown)
    std::uint64_t offset = 0;       // byte offset of the line in the (decoded) input
    std::string text;               // the line, cut to kSampleTextBytes
    std::string why;                // e.g. "not combined", "status \"-\" is not a status code"
};

inline constexpr std::size_t kSampleTextBytes = 512;
inline constexpr std::size_t kDefaultMaxSamples = 5;

// X(name, what it counts)
#define LOGCODES_SCAN_COUNTERS(X)                                                                                  \
    X(lines, "lines read, blank ones included (line numbering)")                                                  \
    X(blank, "empty or whitespace-only lines: not records")                                                       \
    X(meta, "format directives and headers (W3C '#Fields:' ...): not records")                                    \
    X(total, "records read: counted + retransmissions + call_responses + filtered + unparsed + invalid")         \
    X(filtered, "valid records a filter left out (since/until, codes, paths ...)")                                \
    X(unparsed, "records that are not of the format")                                                             \
    X(invalid, "parsed records whose status is not a status code")                                                \
    X(unregistered, "counted records with an in-range but unregistered code")                                     \
    X(requests, "SIP requests read (they carry no code; they shape transactions and calls)")                      \
    X(retransmissions, "responses not counted again: a repeat of a transaction's response")                       \
    X(calls, "calls counted (count level 'calls')")                                                               \
    X(call_responses, "count level 'calls': valid SIP responses read into the call table")                        \
    X(incomplete_calls, "calls without a final response to their INVITE: no code to count")                      \
    X(inconsistent_calls, "calls whose final code and Q.850 cause disagree (RFC 3398)")                           \
    X(calls_without_invite, "Call-IDs with INVITE responses or BYEs but no INVITE read")                         \
    X(registrations_without_request, "REGISTER answers whose registration has no REGISTER read")                 \
    X(events, "error-log events read")                                                                           \
    X(explained, "access-log errors joined with an error-log event")                                              \
    X(unexplained_errors, "access-log errors to explain that no error-log event explained")                       \
    X(joined_by_id, "explained errors joined by request id")                                                      \
    X(joined_by_path, "explained errors joined by the path an event names")                                       \
    X(joined_by_time, "explained errors joined by time alone (the closest unused event naming no request)")      \
    X(events_dropped, "error-log events beyond max_events: not kept for the join")                                \
    X(bytes, "decoded bytes framed")

// X(name, what it samples)
#define LOGCODES_SCAN_SAMPLES(X)                                                                                   \
    X(unparsed_samples, "lines that are not of the format")                                                       \
    X(invalid_samples, "records whose status is not a status code")                                               \
    X(inconsistent_samples, "calls whose code and Q.850 cause disagree; text: the Call-ID")                       \
    X(unexplained_samples, "access-log errors no error-log event explained")                                      \
    X(without_request_samples, "Call-IDs and registrations without their request; text: the Call-ID")            \
    X(failed_call_samples, "failed calls (not answered, not cancelled); text: the Call-ID, why: its ladder")

struct ScanStats {
#define LOGCODES_COUNTER_FIELD(name, what) std::uint64_t name = 0;
    LOGCODES_SCAN_COUNTERS(LOGCODES_COUNTER_FIELD)
#undef LOGCODES_COUNTER_FIELD
#define LOGCODES_SAMPLES_FIELD(name, what) std::vector<Sample> name;
    LOGCODES_SCAN_SAMPLES(LOGCODES_SAMPLES_FIELD)
#undef LOGCODES_SAMPLES_FIELD

    // Adds `other`; samples stay the first ones by (file, offset, line, text), at most `max_samples`. With
    // `file_map`, other's sample file_index i becomes file_map[i] (merging summaries of other inputs).
    void merge(const ScanStats& other, std::size_t max_samples = kDefaultMaxSamples,
               const std::vector<std::uint32_t>* file_map = nullptr);
};

}  // namespace logcodes
