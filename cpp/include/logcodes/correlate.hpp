// Correlation: joining access-log errors with the error-log events that explain them.
// (The time-only fallback never takes an event that names another request.)
//
// Events are read first (error logs are small next to access logs), classified by the rules and indexed
// by request id, by path (request URI or JSP file) and by time. Then each access-log error whose code is
// to be explained (5xx by default) looks for its event: the same request id; else the same path within the
// time window; else the nearest event in the window. The cause is the event's rule, with its detail
// (JSP file, exception, upstream) and how the join was made. Times written without a zone (nginx, Apache,
// Tomcat) are compared as wall-clock times with the access log's own wall clock. Events no rule names are
// grouped into templates (numbers, addresses, hex and quoted parts masked) for Summary.unexplained().
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "logcodes/record.hpp"
#include "logcodes/rules.hpp"

namespace logcodes {

struct StoredEvent {
    std::int64_t wall = INT64_MIN;   // seconds, as the wall clock showed
    std::int64_t utc = INT64_MIN;    // seconds since the epoch, when the log said its zone
    std::string path;                // request path or JSP file
    std::string request_id;
    std::string detail;
    std::string head;                // the first line, cut
    int rule = -1;                   // index into the RuleSet, -1: no rule names it
    bool errorish = false;           // level error or worse (or a rule named it): a candidate cause
    std::uint32_t file = 0;
    std::uint64_t line = 0;
};

struct Template {
    std::uint64_t count = 0;
    std::string example;
    std::uint32_t file = 0;
    std::uint64_t line = 0;
};

// How an access-log error was explained.
struct Explanation {
    std::string_view slug, detail, source;
};

class EventStore {
public:
    explicit EventStore(const RuleSet* rules, std::int64_t window_ms = 2000) : rules_(rules), window_ms_(window_ms) {}

    void add(const Record& event, std::uint32_t file, std::uint64_t line);
    void merge(EventStore&& other);
    // Builds the indexes; call once, after every add and before explain.
    void finish();

    // The event explaining an access-log error with code `code`, if any.
    bool explain(const Record& r, int code, Explanation& out) const;

    std::size_t size() const noexcept { return events_.size(); }
    std::uint64_t classified() const noexcept { return classified_; }
    const std::map<std::string, Template>& unexplained() const noexcept { return templates_; }

private:
    static std::string make_template(std::string_view message);
    // The closest event in time within the window whose rule (if any) explains `code`; with `pathless`,
    // only events that name no request.
    const StoredEvent* nearest(const std::vector<std::size_t>& ids, std::int64_t wall, std::int64_t utc, int code,
                               bool pathless) const;

    const RuleSet* rules_;
    std::int64_t window_ms_;
    std::vector<StoredEvent> events_;
    std::unordered_map<std::string, std::vector<std::size_t>> by_path_, by_id_;
    std::vector<std::size_t> by_time_;   // candidates, ordered by wall time
    std::vector<std::size_t> by_utc_;    // the candidates that know their zone, ordered by UTC
    bool has_utc_ = false;
    std::map<std::string, Template> templates_;
    std::uint64_t classified_ = 0;
};

// Wall-clock and UTC seconds of a record's time (kNoTime-like INT64_MIN when unknown).
void record_clocks(const Record& r, std::int64_t& wall, std::int64_t& utc) noexcept;

}  // namespace logcodes
