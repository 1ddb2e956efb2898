// A log format: turns one record's text into a Record.
//
// Formats are immutable and shared by all threads; a Parser is one thread's reader of a format and may
// keep state between lines (W3C logs change their columns with each "#Fields:" directive). Built-in
// formats are looked up by name; formats compiled from a server's own format string (nginx log_format,
// Apache LogFormat ...) are made by the functions in formats/compilers.hpp. `detect_format` picks a
// built-in format from a sample of the input's first lines.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "logcodes/record.hpp"

namespace logcodes {

enum class ParseResult : unsigned char {
    record,     // `out` holds a record
    unparsed,   // the line is not of this format
    meta,       // not a record but part of the format: a directive, a comment, a header line
    part,       // one line of a multi-line record still being read (SIP message headers and body)
};

class Format;

// A line the reader counts as blank, outside a record, without handing it to a parser: nothing but spaces,
// tabs and carriage returns.
inline bool is_blank_line(std::string_view s) noexcept {
    if (!s.empty() && static_cast<unsigned char>(s[0]) > ' ') return false;  // most lines: one compare
    for (char c : s)
        if (c != ' ' && c != '\t' && c != '\r') return false;
    return true;
}

class Parser {
public:
    virtual ~Parser() = default;
    // `line` excludes the '\n' (a trailing '\r' is tolerated) and is followed by kLinePadding readable bytes.
    virtual ParseResult parse(std::string_view line, Record& out) = 0;
    // Formats whose records span lines (SIP messages): the line that completes a record returns it; at the
    // end of the input, flush() hands over a record still being read (true), if any.
    virtual bool flush(Record& /*out*/) { return false; }
    // True while a multi-line record is being read: its lines are neither records nor meta on their own.
    virtual bool in_record() const noexcept { return false; }
    // After a flush() that handed over nothing: true when a record was being read that could not be made
    // whole (a cut line whose end never came); the reader counts it as unparsed rather than drop it.
    virtual bool cut_at_end() const noexcept { return false; }
    // Format::PieceRule::messages: true when reading `line` now would leave this reader exactly as a new reader
    // is after reading it (the line ends any open message and depends on nothing read before), so a piece may
    // begin there. False when unsure.
    virtual bool fresh_at(std::string_view /*line*/) const noexcept { return false; }
    // Format::PieceRule::directives: the last directive() line this reader read, as given (empty: none).
    virtual std::string_view directive_read() const noexcept { return {}; }

    // Lines taken by take_parts() or take_meta(): their bytes (ending right after a '\n'), how many, and of
    // those how many were meta lines and blank lines (is_blank_line), each counted as the reader counts them.
    struct Taken {
        std::size_t bytes = 0, lines = 0, meta = 0, blank = 0;
    };
    // While a multi-line record is open, a parser may read on through `ahead` (the framed bytes after the
    // line it was just given) and take the whole lines, each shorter than `max_line`, that are plain parts
    // of the record, exactly as parse() would have read them; it stops before any line parse() must see
    // (one that ends the record, or anything unusual). Saves the per-line calls of long messages.
    virtual Taken take_parts(std::string_view /*ahead*/, std::size_t /*max_line*/) { return {}; }
    // Between records, the same for the lines before the next record: blank lines, which the reader would
    // not hand to parse(), and lines parse() would read as meta (a trace's framing lines), read as it would.
    virtual Taken take_meta(std::string_view /*ahead*/, std::size_t /*max_line*/) { return {}; }

    // Error logs: once asked, an event's record carries only its text, level and time until name_event(),
    // called with the record just returned, fills in what the event names (request, client, writer, page,
    // detail ...): a reader that keeps few of the events skips that work for the others. Parsers of other
    // formats fill every record at once and ignore both.
    virtual void name_events_on_demand(bool /*on*/) noexcept {}
    virtual void name_event(Record& /*out*/) {}
};

// The reader of a stateless format F whose class is final: parse() calls F::parse() directly, one
// virtual call per line instead of two (the default reader goes through Format::parse()).
template <class F>
class FinalFormatParser final : public Parser {
public:
    explicit FinalFormatParser(const F& f) : format_(f) {}
    ParseResult parse(std::string_view line, Record& out) override {
        return format_.F::parse(line, out) ? ParseResult::record : ParseResult::unparsed;
    }

private:
    const F& format_;
};

class Format {
public:
    virtual ~Format() = default;
    virtual std::string_view name() const noexcept = 0;
    virtual std::string_view description() const noexcept = 0;
    virtual TimeSyntax time_syntax() const noexcept { return TimeSyntax::any; }

    // Stateless formats implement this; stateful ones override make_parser() instead.
    // Lenient by design: missing or extra trailing fields do not matter once the code is found.
    virtual bool parse(std::string_view line, Record& out) const noexcept;
    // A reader of this format for one thread.
    virtual std::unique_ptr<Parser> make_parser() const;

    // Strict shape check used by detection: `line` parsed into `r` has exactly this format's fields.
    // The default: a record whose status is a three-digit token.
    virtual bool strict(std::string_view line, const Record& r) const noexcept;
    // Stateless shorthand of strict(): parses and checks.
    virtual bool matches(std::string_view line) const noexcept;

    // True when this format's meta lines identify it (W3C "#Fields:" directives): detection counts them.
    virtual bool meta_is_evidence() const noexcept { return false; }
    // False for formats whose meaning of a line depends on earlier lines (W3C #Fields, SIP messages): their
    // lines cannot be read alone, and a distributed scan (byte_range) reads such a file in one piece.
    virtual bool splittable() const noexcept { return true; }
    // How a scan's threads may cut a plain file of this format into pieces (piece_rule()).
    enum class PieceRule : unsigned char {
        lines,       // at any line: lines are read alone
        directives,  // at any line, once the piece's reader has read the last directive() line before it
        messages,    // at a message_start() line, where the reader of the piece before agrees (Parser::fresh_at)
        whole,       // never: one reader reads it all
    };
    virtual PieceRule piece_rule() const noexcept { return splittable() ? PieceRule::lines : PieceRule::whole; }
    // PieceRule::directives: `line` (without its '\n') changes how the lines after it read (W3C "#Fields:").
    virtual bool directive(std::string_view /*line*/) const noexcept { return false; }
    // PieceRule::messages: whether the file whose first bytes are `head` writes a framing line before each
    // message (a SIP trace's "U 2005/07/04 09:32:52.844249 a -> b"); whether `line` may open a piece of such
    // a file (`framed`: the framing line, else the message's start line).
    virtual bool framed(std::string_view /*head*/) const noexcept { return false; }
    virtual bool message_start(std::string_view /*line*/, bool /*framed*/) const noexcept { return false; }
    // True for error-log kinds: their records are events (a level and a message), never responses.
    virtual bool events() const noexcept { return false; }
    // Names of the named fields (Record::extras) this format can yield.
    virtual std::vector<std::string> field_names() const { return {}; }
};

using FormatPtr = std::shared_ptr<const Format>;

// A built-in format by name (or alias), nullptr when unknown. "ENVELOPE+NAME" ("syslog+combined") is the
// built-in format NAME read inside that envelope (formats/envelope.hpp).
const Format* find_format(std::string_view name) noexcept;
// Names of the built-in formats and aliases, in detection preference order (most specific first).
std::vector<std::string_view> format_names();

struct Candidate {
    const Format* format = nullptr;
    std::size_t strict = 0;    // sample lines (or directives) the format matches exactly
    std::size_t lenient = 0;   // sample lines it parses at all
    std::size_t plausible = 0; // ... with a status that looks like one (three digits or "-")
    // Evidence (docs/detection.md): lines read with a valid code of their protocol (or as a request, an
    // error-log event, a line of a well-started multi-line record, an identifying directive), exactly / in all.
    std::size_t exact_valid = 0;
    std::size_t valid = 0;
    std::size_t own_meta = 0;  // lines it sets aside as its own non-records (Caddy's other loggers, a proxy's
                               // start-up lines): out of the evidence's denominator
    std::uint64_t reading = 0; // what the format read from the sample: the records' lines, kinds and codes
    std::string why;           // runners-up: why this one was not taken
};

struct Detection {
    const Format* format = nullptr;   // nullptr: nothing matched (every line will count as unparsed)
    std::size_t sample_lines = 0;     // non-blank lines looked at
    std::size_t matched = 0;          // how many of them the chosen format matches
    std::string explanation;          // e.g. "combined: 64 of 64 sample lines match exactly"
    std::vector<Candidate> ranking;   // every candidate that parsed something, best first
    // (exact_valid + (valid - exact_valid) / 2) / (sample_lines - own_meta) of the best candidate: 1 when
    // every sample line is read exactly with a valid code; reported for `unknown` too (the best candidate's).
    double confidence = 0;
    // The best candidate's evidence over the first runner-up that reads the sample differently, in the
    // same unit (1 when no other format reads anything); 0 is a tie, which gives `unknown`.
    double margin = 0;
};

// The sample is the complete lines within `head` (the first bytes of the input), at most
// kDetectLines non-blank ones; when `at_end` is true an unterminated last line counts too.
inline constexpr std::size_t kDetectBytes = 64 * 1024;
inline constexpr std::size_t kDetectLines = 64;
// Lines that cannot be used (overlong, binary) are skipped (formats/detect_sample.hpp).
Detection detect_format(std::string_view head, bool at_end);
// Nothing but spaces, tabs and a CR: not a record, and not counted in a sample's size.
bool blank_line(std::string_view line) noexcept;
// The lines of `text` detection looks at: complete ones (an unterminated last one too when `at_end`) until
// kDetectLines non-blank ones; blank ones stay in (they end SIP headers). `non_blank` is how many were not.
// `most`: the cap on non-blank lines (envelope detection takes every line of a sample that had to read more
// envelope lines to carry kDetectLines lines, see kExportSampleLines).
std::vector<std::string_view> detect_lines(std::string_view text, bool at_end, std::size_t& non_blank,
                                           std::size_t most = kDetectLines);
// The journal export format spends a dozen envelope lines on each carried line: its sample reads on until it
// has kDetectLines MESSAGE fields, within this many lines and 16 times kDetectBytes (detect_sample.cpp).
inline constexpr std::size_t kExportSampleLines = 16 * kDetectLines;
// The ranking itself, on lines already sampled.
Detection detect_in_sample(std::string_view sample, bool at_end);

}  // namespace logcodes
