// An incremental scan: bytes arrive in pieces of any size (partial lines are carried over) and the
// result equals a scan of the concatenated bytes — the base of pipeline stages.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "logcodes/aggregator.hpp"
#include "logcodes/error.hpp"
#include "logcodes/formats/detect_sample.hpp"
#include "logcodes/formats/format.hpp"
#include "logcodes/framer.hpp"
#include "logcodes/processor.hpp"
#include "logcodes/scan_options.hpp"
#include "logcodes/stats.hpp"

namespace logcodes {

// At count level "calls", take() counts the Call-IDs that have ended (CallTable::take_ended) once they have
// been quiet for kCallLingerMs of message time: 64*T1, the longest a retransmission comes after its first
// copy (RFC 3261 §17, Timers B, F, H and J). One quiet for kCallTimeoutMs (a BYE the capture lost, a
// challenge never answered) is counted as it stands then, so the table stays bounded on an endless stream.
inline constexpr std::int64_t kCallLingerMs = 32'000;
inline constexpr std::int64_t kCallTimeoutMs = 4 * 3600'000;

// Safe to share between threads: feed(), finish(), take(), committed(), snapshot() and the name accessors
// take one lock, so a pipeline may feed from one thread while another takes windows (or several threads
// feed: their pieces then interleave in the order the lock is taken, as with any shared byte stream).
// counts() and stats() hand out references: only for a single owner that is not feeding meanwhile.
class StreamScanner {
public:
    // Reads with options.format (auto: detected from the first bytes, exactly as a file scan does), groups
    // by options.group and counts at options.count_level; options.filter leaves records out (they are
    // counted in stats().filtered). Paths, threads, byte ranges and error logs are a file scan's: unused.
    explicit StreamScanner(const ScanOptions& options, std::string label = "<stream>");

    void feed(std::string_view bytes);
    // Ends the input: an unterminated last line is counted. Further feeds start a new line.
    void finish();

    // The stream offset up to which every record is counted and past which none is: the end of the last
    // complete record (a multi-line record still being read, or an unterminated line, lies past it).
    // Feeding a new stream from this offset of the same bytes counts each record exactly once — what a
    // checkpoint stores. Inside a line over max_record it is the bytes fed (the line's head is counted).
    std::uint64_t committed() const;
    // Hands over the counts and stats gathered since the last take() (or the start) and starts afresh;
    // the parser's state (a record still being read, SIP transactions seen, calls still open) is kept. At
    // count level "calls" it first counts the calls that have ended (see kCallLingerMs); `idle_ms` (how long a
    // live source has been silent) moves the clock of message time on, so calls go quiet when traffic stops.
    std::pair<Aggregator, ScanStats> take(std::int64_t idle_ms = 0);
    // At count level "calls": the Call-IDs read and not counted yet (calls in flight, or ended and lingering).
    std::size_t open_calls() const;
    // A copy of the counts and stats so far (since the last take()), made under the lock.
    std::pair<Aggregator, ScanStats> snapshot() const;

    const Aggregator& counts() const noexcept { return counts_; }
    const ScanStats& stats() const noexcept { return stats_; }
    std::string format_name() const;
    // The envelope around the lines ("syslog" ...; "" when none or not known yet).
    std::string wrapper_name() const;
    std::string detection() const;
    const std::string& label() const noexcept { return label_; }

private:
    void feed_locked(std::string_view bytes);
    void decide_format(bool at_end);
    void use_format(const Format* f);

    std::string label_;
    Aggregator counts_;
    ScanStats stats_;
    LineFramer framer_;
    FormatPtr owned_format_;
    const Format* format_ = nullptr;
    std::unique_ptr<RecordProcessor> processor_;   // one for the whole stream: parsers keep state
    std::shared_ptr<const RecordFilter> filter_;
    bool format_known_ = false;
    std::string head_;            // bytes held back until the format is known
    DetectSample sample_;         // ... and the lines detection looks at, as a file scan would
    std::string format_name_;
    std::string wrapper_name_;
    std::string detection_;
    std::uint64_t line_no_ = 0;
    std::uint64_t fed_ = 0;       // bytes handed to the framer (held-back detection bytes excluded)
    std::size_t max_samples_;
    CountLevel level_;
    bool finished_ = false;
    mutable std::mutex mu_;
};

}  // namespace logcodes
