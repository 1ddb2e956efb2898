// A parsed record: views into the input block, valid until the framer moves on.
//
// Parsers may read up to kLinePadding bytes past the end of a line (simdjson does): every framed line is
// followed by at least that many readable bytes.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "logcodes/fields.hpp"
#include "logcodes/registry.hpp"

namespace logcodes {

inline constexpr std::size_t kLinePadding = 64;

// How Record::time (and time2) are written, so the aggregator can bucket them.
enum class TimeSyntax : std::uint8_t {
    none = 0,
    clf,        // "10/Oct/2000:13:55:36 -0700" (fractions of a second allowed, zone optional)
    iso8601,    // "2026-11-23T23:46:27+00:00", "2018-07-02T22:23:00.186641Z"
    epoch,      // seconds since 1970, with optional fraction ("1700000000.123")
    w3c,        // time = "2015-01-13" (date), time2 = "00:00:10" (UTC)
    any,        // one of the above, told apart by shape
};

enum class DurationUnit : std::uint8_t { none = 0, seconds, milliseconds, microseconds, nanoseconds };

// HTTP records are responses (one exchange each); SIP traces also hold requests, which carry no code but
// matter for transactions and calls (an INVITE starts a call, a CANCEL ends one).
// Error logs hold events: no code, but the reason a response went wrong (see correlate.hpp).
enum class RecordKind : std::uint8_t { response = 0, request, event };

// What a SIP message says about its transaction and call.
struct SipFields {
    std::string_view call_id;
    std::string_view cseq_method;     // "INVITE" (for requests: the request method)
    std::uint32_t cseq = 0;
    std::string_view branch;          // top Via branch
    std::string_view from_tag;
    std::string_view to_tag;
    std::string_view reason_header;   // Reason header value(s): "Q.850;cause=17;text=\"USER_BUSY\""
    std::string_view warning;         // Warning header value
    std::string_view agent;           // User-Agent (requests) or Server (responses)
    bool whole_transaction = false;   // acc lines: the line stands for a request and its final reply
    bool credentials = false;         // a request with Authorization or Proxy-Authorization (RFC 3261 §22)
    bool stale = false;               // a 401/407 whose challenge says stale=true (RFC 2617 §3.2.1)
    // Calls (count level "calls"): INVITEs sent, 401/407 received, who sent the BYE ("caller", "callee").
    std::uint16_t attempts = 0, auth_rounds = 0;
    std::string_view hangup;
};

struct Record {
    Protocol protocol = Protocol::http;
    RecordKind kind = RecordKind::response;
    TimeSyntax time_syntax = TimeSyntax::none;
    DurationUnit duration_unit = DurationUnit::none;
    std::string_view status;          // the raw status token as written ("200", "-", "009")
    std::string_view reason;          // reason phrase when the format carries one (SIP); empty otherwise
    std::string_view method;          // "GET"; empty when the request is "-" or malformed
    std::string_view target;          // request target as written, with query
    std::string_view path_only;       // the path when the format logs it apart from the query ($uri, %U)
    std::string_view query_only;      // the query when the format logs it apart from the path (cs-uri-query)
    std::string_view time;            // raw time text (see time_syntax)
    std::string_view time2;           // second half of a split time (W3C date + time)
    std::string_view host;            // virtual host / authority
    std::string_view client;          // remote address
    std::string_view bytes;           // response size token
    std::string_view duration;        // request duration token (see duration_unit)
    std::string_view upstream_status; // status(es) from the upstream/target: "502", "502, 200", "504 : 200", "-"
    SipFields sip;                    // SIP messages only
    std::string_view outcome;         // calls: answered, busy, no_answer, rejected, cancelled, failed
    // A cause set from outside the record (correlation with an error log); empty: see record_cause().
    std::string_view cause, cause_detail, cause_source;
    // Error-log events: the whole (multi-line) text, its severity and what it names.
    std::string_view event_text, level, request_id, upstream, detail;

    struct Extra {
        FieldId id;
        std::string_view value;
    };
    static constexpr std::size_t kMaxExtras = 64;
    std::array<Extra, kMaxExtras> extras;  // format-specific named fields (not value-initialised: see clear())
    std::uint8_t extra_count = 0;

    // Set by whoever reads records: false when nothing reads `method` or `target`, so the formats that
    // find them by splitting a request line ("GET /a HTTP/1.1") skip that work. clear() keeps it.
    bool split_requests = true;
    // Likewise false when nothing reads the named fields (`extras`): the SIP parsers then skip copying who
    // each message is from and to. clear() keeps it.
    bool named_fields = true;

    void clear() noexcept {
        // Only SIP records fill `sip` (and they say so in `protocol`): HTTP lines skip resetting it.
        if (protocol == Protocol::sip) sip = SipFields{};
        protocol = Protocol::http;
        kind = RecordKind::response;
        time_syntax = TimeSyntax::none;
        duration_unit = DurationUnit::none;
        status = reason = method = target = path_only = query_only = time = time2 = host = client = bytes = duration =
            upstream_status = outcome = cause = cause_detail = cause_source = {};
        event_text = level = request_id = upstream = detail = {};
        extra_count = 0;
    }
    void add_extra(FieldId id, std::string_view value) noexcept {
        if (extra_count < kMaxExtras) extras[extra_count++] = Extra{id, value};
    }
    // The value of a named field; empty when the record does not have it.
    std::string_view extra(FieldId id) const noexcept {
        for (std::uint8_t i = 0; i < extra_count; ++i)
            if (extras[i].id == id) return extras[i].value;
        return {};
    }

    // Path of the target: without the query string, and without scheme and authority when the target is
    // an absolute URI (proxies and load balancers log "GET http://host:80/a?b").
    std::string_view path() const noexcept {
        if (!path_only.empty()) return path_only;
        std::string_view t = target;
        const auto scheme = t.find("://");
        if (scheme != std::string_view::npos && scheme < 8 && scheme > 0 && t[0] != '/') {
            const auto slash = t.find('/', scheme + 3);
            t = slash == std::string_view::npos ? std::string_view("/") : t.substr(slash);
        }
        const auto q = t.find('?');
        return q == std::string_view::npos ? t : t.substr(0, q);
    }
};

}  // namespace logcodes
