// The per-record step shared by file scans and streams: parse, classify, count.
#pragma once

#include <array>
#include <bitset>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "logcodes/aggregator.hpp"
#include "logcodes/calls.hpp"
#include "logcodes/classifier.hpp"
#include "logcodes/correlate.hpp"
#include "logcodes/event_counts.hpp"
#include "logcodes/formats/format.hpp"
#include "logcodes/framer.hpp"
#include "logcodes/owned_record.hpp"
#include "logcodes/record_filter.hpp"
#include "logcodes/stats.hpp"

namespace logcodes {

// Receives every record a processor counts (classified, filtered, about to be aggregated), with its
// derived values, which the aggregator then reads too: the Arrow batch builder is one. The record's views
// are valid during the call only.
class RecordSink {
public:
    virtual ~RecordSink() = default;
    virtual void on_record(Derived& d, std::uint64_t line_no) = 0;
};

// An access-log error waiting for the error-log event that explains it: events are claimed once every
// error is known, in input order (see explain_pending), so that one event explains one request whatever
// the threads.
struct PendingError {
    OwnedRecord record;
    Classified c;
    std::uint64_t line_no = 0, offset = 0;
    std::string text;                    // the line, cut, for the unexplained samples
    TimeSyntax format_time = TimeSyntax::any;
};

// A format change found part-way through an input (a reload with a new log_format): from `line` (1-based
// within the piece read) and byte `offset` on, the lines are read as `format`.
struct FormatSwitch {
    std::uint64_t line = 0, offset = 0;
    const Format* format = nullptr;
    std::string detection;  // why: the detection's explanation on the lines after the change
};

// Lines that stop parsing under a detected format are held, at most kChangeLines, then detected afresh
// (docs/detection.md, "Format changes"); a run that still gives no format is counted as unparsed, and the
// next try waits for the run to double (a file of nothing known costs a few detections, not one per line).
inline constexpr std::size_t kChangeLines = 8;

class RecordProcessor {
public:
    // `format` may be nullptr (detection found nothing): every record then counts as unparsed.
    // One processor reads one contiguous piece of input: its parser keeps state between lines. Derived
    // values (derived.hpp) are computed with the aggregator's path rules (GroupSpec::paths).
    RecordProcessor(const Format* format, Aggregator& agg, ScanStats& stats, std::uint32_t file_index,
                    std::string_view file_label, std::size_t max_samples = kDefaultMaxSamples,
                    CountLevel level = CountLevel::transactions);

    // Handles one framed line; `line_no` is its 1-based number within the numbering the caller keeps.
    void on_line(const LineEvent& ev, std::uint64_t line_no);
    // on_line() for callers that skip what it returns: inside a multi-line record, the parser may take the
    // record's next lines from ev.ahead itself (Parser::take_parts), and between records the meta and blank
    // lines before the next one (Parser::take_meta); they are counted here.
    Parser::Taken on_line_ahead(const LineEvent& ev, std::uint64_t line_no) {
        on_line(ev, line_no);
        if (ev.ahead.empty() || !parser_) return {};
        Parser::Taken t;
        if (in_part_) {
            t = parser_->take_parts(ev.ahead, ev.max_record);
        } else if (run_ == 0 && !parser_->in_record()) {  // no held lines, which the next line read releases
            t = parser_->take_meta(ev.ahead, ev.max_record);
            stats_.meta += t.meta;
            stats_.blank += t.blank;
        }
        stats_.lines += t.lines;
        return t;
    }
    // A piece of an input whose lines depend on a directive before it (a W3C #Fields): its reader reads that line
    // first. The line is a piece before's, so it is not counted here.
    void prime(std::string_view directive);
    // The last directive line the reader read (primed or in the piece), empty when none: the next piece's start.
    std::string_view directive_read() const noexcept { return parser_ ? parser_->directive_read() : std::string_view{}; }
    // A piece of a SIP trace read on its own: every response's transaction goes into `log` (count level
    // "transactions"), for the scan to check this piece's answers against the pieces before it.
    void log_transactions(std::vector<TransactionLogEntry>* log) noexcept { transaction_log_ = log; }
    // The transactions the pieces before this one left: its responses are judged as one reader would.
    void seed_transactions(const TransactionFilter& before) { transactions_ = before; }
    // Whether a piece may begin at `line` (Parser::fresh_at): this reader agrees it starts afresh there.
    bool fresh_at(std::string_view line) const noexcept { return parser_ && parser_->fresh_at(line); }
    // The end of this piece of input: a record still being read (a SIP message without its end) is handled.
    // `input_end`: the input ends here too (false: a byte range whose lines go on in the next range).
    void finish(bool input_end = true);
    // Past the end of a piece: `ev` is a line the next piece reads (not counted here). While a run of unread
    // lines is open at the end, the lines after it say what the whole input would decide about it: a line
    // read ends the run (its lines stay unparsed), lines not read go on with it (read as one sample with the
    // held lines for a change of format). True: one more line is needed to decide.
    bool look_past_end(const LineEvent& ev);
    // Before a piece's first line: `line` is the last line of the piece before. When the format does not read
    // it, a run of unread lines at this piece's start goes on from the piece before, as one reader sees it.
    void line_before(std::string_view line);
    // Watch for a change of format (only for a detected format, never a given one): runs of kChangeLines
    // lines that the format does not read are detected again, and read as the format found.
    void watch_format_changes(bool on) noexcept { watch_ = on; }
    const std::vector<FormatSwitch>& format_switches() const noexcept { return switches_; }
    const Format* format() const noexcept { return format_; }
    // Where the multi-line record being read began, while one is open: its lines are not counted yet.
    std::optional<std::uint64_t> open_record_offset() const noexcept {
        if (in_part_ && parser_ && parser_->in_record()) return part_offset_;
        return std::nullopt;
    }
    // True while the parser reads a record that goes on in the next lines (a SIP message, a cut line).
    bool in_record() const noexcept { return parser_ && parser_->in_record(); }
    // Calls seen (count level "calls"): counted once every piece of the input is read, see count_calls().
    const CallTable& calls() const noexcept { return calls_; }
    // The calls that have ended, moved out of the table (a stream counted window by window).
    CallTable take_ended_calls(std::int64_t linger_ms, std::int64_t timeout_ms, std::int64_t idle_ms = 0) {
        return calls_.take_ended(linger_ms, timeout_ms, idle_ms);
    }
    // Error-log events go to `sink`; access-log errors selected by `explain` ("5xx", "502") wait in
    // `pending` to be joined with error-log events (explain_pending), the others are counted at once.
    void set_events(EventSink* sink) noexcept {
        sink_ = sink;
        // The sink names the events it keeps (Parser::name_event): most are dropped unread.
        if (parser_) parser_->name_events_on_demand(sink != nullptr);
        decide_record_needs();
    }
    // Error logs read as the main input: their events are counted into `counter` (without one, events
    // only add to stats.events).
    void set_event_counter(EventCounter* counter) noexcept { event_counter_ = counter; }
    void set_explainer(const std::vector<std::string>* explain, std::vector<PendingError>* pending) noexcept;

    // Only records `filter` keeps are counted and sunk; the others add to stats.filtered.
    void set_filter(const RecordFilter* filter) noexcept {
        filter_ = filter;
        decide_record_needs();
    }
    void set_record_sink(RecordSink* sink) noexcept {
        record_sink_ = sink;
        decide_record_needs();
    }

private:
    // What the readers of records need: whether anything reads a record's method or target
    // (Record::split_requests), and whether HTTP codes may be counted on the short path (count_http_code).
    void decide_record_needs() noexcept;
    // The common record of a class/code scan, an HTTP response with a valid three-digit status, counted as
    // handle_record() would count it but without its general steps. False: take the general path.
    bool count_http_code() noexcept {
        std::uint16_t code = 0;
        if (record_.protocol != Protocol::http || record_.kind != RecordKind::response ||
            !three_digits(record_.status, code))
            return false;
        std::uint8_t& known = http_codes_[code];  // 0: not seen yet, else 1 + its CodeStatus
        if (known == 0) known = static_cast<std::uint8_t>(1 + static_cast<int>(classify(Protocol::http, record_.status).status));
        const auto status = static_cast<CodeStatus>(known - 1);
        if (status == CodeStatus::invalid) return false;  // the general path keeps a sample of it
        ++stats_.total;
        if (status == CodeStatus::unregistered) ++stats_.unregistered;
        agg_.add_code(Protocol::http, code);
        return true;
    }
    [[gnu::noinline]] void unusual_line(const LineEvent& ev, std::uint64_t line_no);
    // Format changes: a line the format does not read is held (true) while a run may be a new format's.
    [[gnu::noinline]] bool hold(const LineEvent& ev, std::uint64_t line_no);
    [[gnu::noinline]] void release_held();
    // Detects the held lines' format; switches to it and reads them again when one is found (true).
    bool try_switch(bool at_end);
    void count_unparsed(std::uint64_t line_no, std::uint64_t offset, std::string_view text);
    [[gnu::noinline]] void open_part(const LineEvent& ev, std::uint64_t line_no);
    [[gnu::noinline]] void end_of_record(ParseResult pr, const LineEvent& ev, std::uint64_t line_no);
    // `one_line`: the record is `text`, a whole line.
    void handle_record(std::uint64_t line_no, std::uint64_t offset, std::string_view text, bool one_line = false);
    // Fills method and target of a one-line record read without splitting its request, from its `line`.
    [[gnu::noinline]] void split_request_late(std::string_view line);
    // TransactionFilter::first() of record_ (classified as `c`), written to transaction_log_; false also when the
    // answer is left to the replay (a codes-only count: the log entry carries the code).
    [[gnu::noinline]] bool first_logged(const Classified& c);
    void sample(std::vector<Sample>& into, std::uint64_t line_no, std::uint64_t offset, std::string_view text,
                std::string why);

    const Format* format_;
    TimeSyntax format_time_ = TimeSyntax::any;  // format_->time_syntax(), asked once rather than per record
    bool short_http_path_ = false;              // count_http_code() may count records (decide_record_needs)
    // Each HTTP code's status once seen: 0 not yet, else 1 + its CodeStatus (classified once per code).
    std::array<std::uint8_t, 1000> http_codes_{};
    std::unique_ptr<Parser> parser_;
    Aggregator& agg_;
    ScanStats& stats_;
    std::uint32_t file_index_;
    std::string_view file_;
    std::size_t max_samples_;
    CountLevel level_;
    Record record_;
    DeriveContext derive_;  // the derived values of record_, for the sink and the aggregator
    TransactionFilter transactions_;
    std::vector<TransactionLogEntry>* transaction_log_ = nullptr;
    CallTable calls_;
    EventSink* sink_ = nullptr;
    EventCounter* event_counter_ = nullptr;
    std::vector<PendingError>* pending_ = nullptr;
    std::bitset<1000> explained_codes_;   // the codes whose records wait in pending_
    std::unique_ptr<Parser> late_parser_;  // split_request_late() reads a line again with it, into late_
    std::unique_ptr<Record> late_;
    const RecordFilter* filter_ = nullptr;
    RecordSink* record_sink_ = nullptr;
    FieldId request_id_field_ = intern_field("request_id");
    // Format changes (watch_format_changes): the lines of the current run held for detection.
    struct HeldLine {
        std::uint64_t line_no, offset;
        std::size_t size;
        std::string text;  // the line, then kLinePadding NULs
        std::string_view line() const noexcept { return std::string_view(text).substr(0, size); }
    };
    bool watch_ = false;
    std::vector<HeldLine> held_;
    std::string past_end_;         // unread lines after the piece's end (look_past_end), '\n' after each
    std::size_t past_end_lines_ = 0;
    bool run_ends_past_end_ = false;  // a line after the piece's end is read: the held run ends there
    bool run_before_ = false;         // the line before the piece's first is not read (line_before)
    std::uint64_t run_ = 0;        // lines not read in a row
    std::uint64_t hold_from_ = 0;  // ... before the next held line (doubles after each failed try)
    std::vector<FormatSwitch> switches_;
    // Where the multi-line record being read began (for samples).
    bool in_part_ = false;
    std::uint64_t part_line_ = 0;
    std::uint64_t part_offset_ = 0;
    std::string part_text_;
};

// Joins each of `pending` (one input piece's errors, in input order) with the error-log event that explains
// it, sets its cause and counts it into `agg`; `stats` gets the joins (and samples of the errors no event
// explains). `file_index`/`file_label` name the piece's input.
void explain_pending(EventStore& events, std::vector<PendingError>& pending, Aggregator& agg, ScanStats& stats,
                     std::uint32_t file_index, std::string_view file_label, std::size_t max_samples);

// Counts each call attempt of `calls` (the final response to its last INVITE, with its outcome, attempts,
// auth rounds and who hung up) into `agg`, with its call figures; registrations add figures only.
// `file_labels[i]` names file i. Calls with no final response only add to stats.incomplete_calls; Call-IDs
// without their INVITE (or REGISTER) request add to stats.calls_without_invite (registrations_without_request)
// with samples.
void count_calls(const CallTable& calls, Aggregator& agg, ScanStats& stats, const std::vector<std::string>& file_labels);

}  // namespace logcodes
