// Correlation: joining access-log errors with the error-log events that explain them.
//
// Events are read first (error logs are small next to access logs), classified by the rules and indexed
// by request id, by request path and by time. Each access-log error whose code is to be explained (5xx by
// default) then claims its event: the same request id; else the closest unused event naming the same path
// within the time window; else the closest unused event in the window that names no request at all. So:
// - an event that names a path never explains a request for another path;
// - an event explains one request (the servers write one event per failed request; several requests in
//   the window take several events), so one unrelated event cannot be smeared over every error;
// - paths are compared as the server sees them (request_path.hpp): Tomcat's context path + servlet path,
//   ;jsessionid=, queries, percent-escapes and trailing slashes do not matter; a user's PathMap maps what a
//   proxy in front rewrote. A Tomcat event that names only its web application is used only for requests
//   under that context (ROOT's only for requests under no other context the log names).
// - the lines one request makes a server write (nginx: a connect() failure per upstream tried; Apache: the
//   errno line, then AH01114 or AH00898 naming the request) are one event, told by their writer (nginx
//   worker + connection, Apache process + thread), client and second; its cause is the most specific rule.
// Error logs may be read in pieces on several threads (EventReader, EventPiece: each event is classified on
// its own); the store takes the pieces in input order and groups one request's lines as a single reader
// would. Claims are made in one thread, in input order (file, then offset), after the scan: results never
// depend on threads. Times written without a zone (nginx, Apache, Tomcat) are compared as wall-clock times with the
// access log's own wall clock. Events no rule names are grouped into templates (numbers, addresses, hex and
// quoted parts masked) for Summary.unexplained().
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "logcodes/formats/format.hpp"
#include "logcodes/record.hpp"
#include "logcodes/request_path.hpp"
#include "logcodes/rules.hpp"

namespace logcodes {

// Events of one path (or of none) by time: those that know their zone by UTC, the others by wall clock.
// Claimed events leave it.
struct EventTimeline {
    std::multimap<std::int64_t, std::size_t> utc, wall;
};

struct StoredEvent {
    std::int64_t wall = INT64_MIN;   // seconds, as the wall clock showed
    std::int64_t utc = INT64_MIN;    // seconds since the epoch, when the log said its zone
    std::string path;                // normalised request path (Tomcat: context + JSP), empty: names none
    std::string context;             // Tomcat web application ("" for ROOT), when has_context
    bool has_context = false;
    std::string request_id;
    std::string detail;
    int rule = -1;                   // index into the RuleSet, -1: no rule names it
    bool errorish = false;           // level error or worse (or a rule named it): a candidate cause
    bool claimed = false;            // it explains a request already
    std::uint32_t file = 0;
    std::uint64_t line = 0;
    EventTimeline* timeline = nullptr;                        // where it waits to be claimed
    std::multimap<std::int64_t, std::size_t>::iterator slot;  // its entry there
};

struct Template {
    std::uint64_t count = 0;
    std::string example;
    std::uint32_t file = 0;
    std::uint64_t line = 0;
};

// An event as read from its record alone, before the store sees the events around it: classified, its
// names copied. `writer` (file + nginx worker and connection, or Apache process and thread) and `client`
// tell which events before it may be earlier lines of the same request (EventStore::admit).
struct EventCandidate {
    StoredEvent event;
    std::string writer, client;
};

// Classifies error-log events and copies what the join needs of those worth keeping. Keeps no state
// between events, so any number of threads may read with one reader.
class EventReader {
public:
    // `explain`: the access-log codes to explain ("5xx", "502"; empty: any error): events whose rule explains
    // none of them are counted as classified but not kept.
    EventReader(const RuleSet* rules, const std::vector<std::string>& explain);

    // True when `e` may explain a request (error level or worse, or named by a rule that explains a code
    // asked about): `out` gets it. A kept event no rule names adds to `templates`; every event a rule names
    // adds to `classified`. `names`: the parser that returned `e` with its text, level and time only, asked
    // to name the events kept (Parser::name_event); nullptr when `e` is complete.
    bool read(Record& e, std::uint32_t file, std::uint64_t line, EventCandidate& out,
              std::map<std::string, Template>& templates, std::uint64_t& classified, Parser* names) const;
    const RuleSet* rules() const noexcept { return rules_; }

private:
    std::string detail_of(const Record& e, int rule, std::string_view text) const;
    const RuleSet* rules_;
    std::vector<bool> useful_;   // per rule: explains one of the codes to explain
};

// Where a RecordProcessor hands the events of an error log: a store, or one piece of the log.
class EventSink {
public:
    virtual ~EventSink() = default;
    // `names`: see EventReader::read().
    virtual void add(Record& event, std::uint32_t file, std::uint64_t line, Parser* names) = 0;
};

// The events of one piece of an error log (a run of whole events, read on one thread), in input order,
// with line numbers counted from the piece's first line. EventStore::add(EventPiece&&) takes pieces in
// input order: the store then holds what reading the whole log in one piece gives.
class EventPiece final : public EventSink {
public:
    explicit EventPiece(const EventReader& reader) : reader_(&reader) {}
    void add(Record& event, std::uint32_t file, std::uint64_t line, Parser* names) override;

private:
    friend class EventStore;
    const EventReader* reader_;
    EventCandidate next_;   // filled by the reader, moved into candidates_ when kept
    std::vector<EventCandidate> candidates_;
    std::map<std::string, Template> templates_;
    std::uint64_t classified_ = 0;
};

enum class JoinKind : std::uint8_t { none = 0, request_id, path, time };

// How an access-log error was explained.
struct Explanation {
    std::string_view slug, detail, source;
    JoinKind kind = JoinKind::none;
    std::int64_t gap = 0;   // seconds between the request and the event (time joins)
};

class EventStore final : public EventSink {
public:
    // `explain`: the access-log codes to explain ("5xx", "502"; empty: any error): events whose rule explains
    // none of them are counted as classified but not kept.
    explicit EventStore(const RuleSet* rules, std::int64_t window_ms = 2000, PathMap paths = {},
                        const std::vector<std::string>& explain = {});

    void add(Record& event, std::uint32_t file, std::uint64_t line, Parser* names) override;
    void add(Record& event, std::uint32_t file, std::uint64_t line) { add(event, file, line, nullptr); }
    // The next piece of the error logs, in input order: its line numbers follow `lines_before` earlier lines
    // of the same file.
    void add(EventPiece&& piece, std::uint64_t lines_before);
    // What reads the pieces (shared by every thread reading one).
    const EventReader& reader() const noexcept { return reader_; }
    // Builds the indexes; call once, after every add and before claim.
    void finish();

    // Finds the event explaining an access-log error with code `code` and marks it used. Not thread-safe:
    // claims are made one at a time, in input order.
    bool claim(const Record& r, int code, Explanation& out);

    // Events kept as candidates (error level or named by a rule).
    std::size_t size() const noexcept { return events_.size(); }
    // At most `n` events are kept (memory stays bounded whatever the error logs' size); the ones beyond are
    // counted in dropped() and explain nothing.
    void set_max_events(std::size_t n) noexcept { max_events_ = n; }
    std::uint64_t dropped() const noexcept { return dropped_; }
    static constexpr std::size_t kDefaultMaxEvents = 1'000'000;
    std::uint64_t classified() const noexcept { return classified_; }
    const std::map<std::string, Template>& unexplained() const noexcept { return templates_; }

private:
    // Takes the next event in input order: a further line of the request its writer's open event began (same
    // writer, client and second) joins that event; else it is a new event, unless max_events are kept.
    void admit(EventCandidate&& c);
    // The closest unclaimed event of `t` within the window that may explain `code` (and, for events naming
    // no path, whose context holds `path`); among equally close ones a rule-named one, then the first.
    StoredEvent* closest(EventTimeline& t, std::int64_t wall, std::int64_t utc, int code, std::string_view path,
                         std::int64_t& gap);
    bool usable(const StoredEvent& e, int code, std::string_view path) const;
    void take(StoredEvent& e);
    // Adds a further line of one request (same writer, client and second) to the event it began.
    static void absorb(StoredEvent& lead, const StoredEvent& e);

    // The event a writer (nginx worker + connection, Apache process + thread) began last, per file.
    struct OpenGroup {
        std::size_t event;
        std::string client;
    };
    std::unordered_map<std::string, OpenGroup> open_groups_;

    EventReader reader_;
    const RuleSet* rules_;
    std::int64_t window_ms_;
    PathMap paths_;
    EventCandidate next_;   // reused by add(const Record&)
    std::vector<StoredEvent> events_;
    std::unordered_map<std::string, EventTimeline> by_path_;
    std::unordered_map<std::string, std::vector<std::size_t>> by_id_;
    EventTimeline pathless_;               // rule-named events that name no request
    std::unordered_set<std::string> contexts_;   // non-ROOT Tomcat contexts the events name
    std::map<std::string, Template> templates_;
    std::uint64_t classified_ = 0;
    std::size_t max_events_ = kDefaultMaxEvents;
    std::uint64_t dropped_ = 0;
};

// Wall-clock and UTC seconds of a record's time (kNoTime-like INT64_MIN when unknown).
void record_clocks(const Record& r, std::int64_t& wall, std::int64_t& utc) noexcept;

}  // namespace logcodes
