// Envelopes: what carries a log line when the line is not in a file of its own (docs/wrappers.md).
//
// A syslog message, a journald entry, a container runtime's log line or a log shipper's JSON event holds
// the server's own line plus a timestamp, a host and a stream. An envelope peels one such line: it finds
// the carried line and keeps what the envelope says beside it. A wrapped format (wrap_format) peels each
// line and hands the carried line to any format, so envelopes are a layer, never formats of their own:
// "syslog+combined", "cri+sip_trace", "docker+nginx_error" ...
//
// Envelopes are stateless and shared by all threads; `scratch` is the calling parser's own buffer: the text
// the envelope had to unescape (JSON strings), or what it remembers of the last line (syslog's header words).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "logcodes/formats/format.hpp"

namespace logcodes {

// How an envelope writes its time (the inner line's own time, when it has one, always wins).
enum class EnvelopeTime : std::uint8_t {
    none = 0,
    iso8601,   // RFC 3339 / ISO 8601: RFC 5424, rsyslog's file format, CRI, Docker, shippers' @timestamp
    epoch,     // seconds (or ms/us/ns) since 1970: journald's __REALTIME_TIMESTAMP, Fluent Bit's date
    bsd,       // RFC 3164 "Dec  5 10:00:01": no year and no zone
};

// What an envelope says about the line it carries: views into the envelope line or into `scratch`.
struct Peeled {
    std::string_view line;     // the carried line, without its line end
    std::string_view time;
    EnvelopeTime time_kind = EnvelopeTime::none;
    std::string_view host;     // the machine that logged it (syslog HOSTNAME, journald _HOSTNAME, host.name)
    std::string_view stream;   // stdout / stderr (CRI, Docker, shippers)
    std::string_view app;      // the program (syslog TAG or APP-NAME, journald SYSLOG_IDENTIFIER)
    // The line goes on in the next envelope: a CRI "P" line, a Docker entry without its '\n'.
    bool partial = false;
};

class Envelope {
public:
    virtual ~Envelope() = default;
    virtual std::string_view name() const noexcept = 0;
    virtual std::string_view description() const noexcept = 0;
    // Peels `line` (no '\n'; a trailing '\r' is tolerated) into `out`, which the caller gives fresh (zeroed)
    // and reads only on success. False: `line` is not in this envelope.
    virtual bool peel(std::string_view line, Peeled& out, std::string& scratch) const = 0;
    // True when one carried line may be cut over several envelope lines (Peeled::partial).
    virtual bool joins() const noexcept { return false; }
};

// The built-in envelopes, in detection order (most specific first), and one by name.
std::span<const Envelope* const> envelopes();
const Envelope* find_envelope(std::string_view name) noexcept;

// A format reading `inner` lines carried in `envelope`: the built-in `inner` is wrapped once per process
// (the pointer lives as long as the process); a compiled format is wrapped in a new format that keeps it.
const Format* wrapped_format(const Envelope& envelope, const Format& inner);
FormatPtr wrap_format(const Envelope& envelope, FormatPtr inner);
// The envelope and inner format of a wrapped format; nullptr when `f` is not one.
const Envelope* envelope_of(const Format* f) noexcept;
const Format* inner_of(const Format* f) noexcept;
// How scans report a format: the name of the format of the lines themselves ("combined") and the name of
// the envelope around them ("syslog", "" when none). Both are "" for nullptr.
std::string_view format_label(const Format* f) noexcept;
std::string_view wrapper_label(const Format* f) noexcept;

// Detection of the envelope: `sample` (complete lines) peeled by each envelope in turn; the first that
// peels most of the lines gives `peeled` (the carried lines, partial ones joined, '\n'-terminated).
// nullptr when no envelope carries at least three quarters of the non-blank lines.
const Envelope* detect_envelope(std::string_view sample, bool at_end, std::string& peeled, std::size_t& lines,
                                std::size_t& carried);

}  // namespace logcodes
