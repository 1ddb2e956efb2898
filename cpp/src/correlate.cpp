#include "logcodes/correlate.hpp"

#include <algorithm>
#include <cctype>

#include "logcodes/time.hpp"

namespace logcodes {

namespace {

bool severe(std::string_view level) {
    std::string l;
    for (char c : level) l.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    return l == "error" || l == "crit" || l == "critical" || l == "alert" || l == "emerg" || l == "fatal" ||
           l == "severe" || l == "err";
}

// "2026-11-23 23:46:27.123+01:00" -> wall clock from the first 19 characters, UTC if a zone follows.
void iso_clocks(std::string_view t, std::int64_t& wall, std::int64_t& utc) {
    wall = parse_iso8601_time(t.substr(0, 19));
    std::size_t p = 19;
    if (p < t.size() && t[p] == '.') {
        ++p;
        while (p < t.size() && t[p] >= '0' && t[p] <= '9') ++p;
    }
    utc = p < t.size() ? parse_iso8601_time(t) : INT64_MIN;
}

}  // namespace

void record_clocks(const Record& r, std::int64_t& wall, std::int64_t& utc) noexcept {
    wall = utc = INT64_MIN;
    switch (r.time_syntax) {
        case TimeSyntax::clf: case TimeSyntax::any:
            if (r.time.size() >= 3 && r.time[2] == '/') {
                utc = parse_clf_time(r.time);
                wall = parse_clf_time(r.time.substr(0, 20));  // without the zone: the server's wall clock
                return;
            }
            if (r.time_syntax == TimeSyntax::any && r.time.size() >= 19 && r.time[4] == '-') {
                iso_clocks(r.time, wall, utc);
                return;
            }
            utc = wall = record_time(r.time_syntax, r.time, r.time2);
            return;
        case TimeSyntax::iso8601: iso_clocks(r.time, wall, utc); return;
        case TimeSyntax::w3c: utc = wall = parse_w3c_time(r.time, r.time2); return;
        default: utc = wall = record_time(r.time_syntax, r.time, r.time2); return;
    }
}

std::string EventStore::make_template(std::string_view m) {
    std::string t;
    std::size_t i = 0;
    while (i < m.size() && t.size() < 300) {
        const char c = m[i];
        if (std::isdigit(static_cast<unsigned char>(c))) {  // numbers, addresses, times, hex runs
            while (i < m.size() && (std::isxdigit(static_cast<unsigned char>(m[i])) || m[i] == '.' || m[i] == ':' ||
                                    m[i] == '-' || m[i] == '/'))
                ++i;
            t += "<n>";
            continue;
        }
        if (c == '"') {  // quoted values: paths, requests, messages
            const std::size_t e = m.find('"', i + 1);
            if (e != std::string_view::npos) {
                t += "\"<s>\"";
                i = e + 1;
                continue;
            }
        }
        t.push_back(c);
        ++i;
    }
    return t;
}

void EventStore::add(const Record& e, std::uint32_t file, std::uint64_t line) {
    StoredEvent s;
    const std::int64_t t = record_time(e.time_syntax, e.time, e.time2);
    if (e.time_syntax == TimeSyntax::iso8601) {
        iso_clocks(e.time, s.wall, s.utc);
    } else {
        s.wall = s.utc = t;
    }
    s.path = e.path_only.empty() ? std::string(e.path()) : std::string(e.path_only);
    s.request_id = std::string(e.request_id);
    const std::string_view text = e.event_text;
    s.head = std::string(text.substr(0, std::min<std::size_t>(text.find('\n'), 400)));
    s.file = file;
    s.line = line;
    std::string_view captured;
    s.rule = rules_ ? rules_->match(text, &captured) : -1;
    s.detail = !captured.empty() ? std::string(captured) : std::string(e.detail);
    s.errorish = s.rule >= 0 || severe(e.level);
    if (s.rule >= 0) {
        ++classified_;
    } else if (s.errorish) {
        // Masked from the message on: the header's time and process ids would make every template unique.
        std::string_view message = s.head;
        for (std::string_view marker : {std::string_view("]: "), std::string_view(": ")}) {
            const std::size_t at = message.find(marker);
            if (at != std::string_view::npos && at < 80) {
                message = message.substr(at + marker.size());
                break;
            }
        }
        Template& tp = templates_[make_template(message)];
        if (tp.count++ == 0) {
            tp.example = s.head;
            tp.file = file;
            tp.line = line;
        }
    }
    events_.push_back(std::move(s));
}

void EventStore::merge(EventStore&& o) {
    for (auto& e : o.events_) events_.push_back(std::move(e));
    for (auto& [k, t] : o.templates_) {
        Template& mine = templates_[k];
        if (mine.count == 0) {
            mine = t;
        } else {
            mine.count += t.count;
        }
    }
    classified_ += o.classified_;
}

void EventStore::finish() {
    by_time_.clear();
    by_path_.clear();
    by_id_.clear();
    for (std::size_t i = 0; i < events_.size(); ++i) {
        const StoredEvent& e = events_[i];
        if (!e.errorish) continue;
        by_time_.push_back(i);
        if (!e.path.empty()) by_path_[e.path].push_back(i);
        if (!e.request_id.empty()) by_id_[e.request_id].push_back(i);
    }
    auto by_wall = [this](std::size_t a, std::size_t b) { return events_[a].wall < events_[b].wall; };
    std::stable_sort(by_time_.begin(), by_time_.end(), by_wall);
    by_utc_.clear();
    for (std::size_t i : by_time_)
        if (events_[i].utc != INT64_MIN) by_utc_.push_back(i);
    std::stable_sort(by_utc_.begin(), by_utc_.end(),
                     [this](std::size_t a, std::size_t b) { return events_[a].utc < events_[b].utc; });
    has_utc_ = !by_utc_.empty();
    for (auto& [k, v] : by_path_) std::stable_sort(v.begin(), v.end(), by_wall);
}

const StoredEvent* EventStore::nearest(const std::vector<std::size_t>& ids, std::int64_t wall, std::int64_t utc,
                                       int code, bool pathless) const {
    const std::int64_t window = (window_ms_ + 999) / 1000;
    const StoredEvent* best = nullptr;
    std::int64_t best_score = INT64_MAX;
    auto consider = [&](const StoredEvent& e, std::int64_t gap) {
        if (gap > window) return;
        if (e.rule >= 0 && rules_ && !rules_->applies(e.rule, code)) return;
        if (pathless && !e.path.empty()) return;  // an event naming another request is not this one's
        // Prefer events a rule names; among equals, the closest in time.
        const std::int64_t score = gap * 2 + (e.rule >= 0 ? 0 : 1);
        if (score < best_score) {
            best_score = score;
            best = &e;
        }
    };
    // Events whose log gave no zone are compared as wall clocks (the two logs of one server agree on it):
    // only the stretch of `ids` (ordered by wall time) within the window is looked at.
    auto lo = std::lower_bound(ids.begin(), ids.end(), wall - window,
                               [this](std::size_t i, std::int64_t t) { return events_[i].wall < t; });
    for (auto it = lo; it != ids.end() && events_[*it].wall <= wall + window; ++it) {
        const StoredEvent& e = events_[*it];
        if (e.utc == INT64_MIN || utc == INT64_MIN) consider(e, std::abs(e.wall - wall));
    }
    // Events that know their zone are compared in UTC when the access record knows it too.
    if (has_utc_ && utc != INT64_MIN) {
        if (&ids == &by_time_) {
            auto u = std::lower_bound(by_utc_.begin(), by_utc_.end(), utc - window,
                                      [this](std::size_t i, std::int64_t t) { return events_[i].utc < t; });
            for (; u != by_utc_.end() && events_[*u].utc <= utc + window; ++u)
                consider(events_[*u], std::abs(events_[*u].utc - utc));
        } else {
            for (std::size_t i : ids)  // one path's events: few
                if (events_[i].utc != INT64_MIN) consider(events_[i], std::abs(events_[i].utc - utc));
        }
    }
    return best;
}

bool EventStore::explain(const Record& r, int code, Explanation& out) const {
    if (by_time_.empty()) return false;
    std::int64_t wall, utc;
    record_clocks(r, wall, utc);
    if (!r.request_id.empty()) {
        if (auto it = by_id_.find(std::string(r.request_id)); it != by_id_.end()) {
            const StoredEvent& e = events_[it->second.front()];
            out = {e.rule >= 0 ? std::string_view(rules_->rule(e.rule).name) : "unknown", e.detail,
                   "correlation:request_id"};
            return true;
        }
    }
    if (wall == INT64_MIN) return false;
    const std::string_view path = r.path();
    if (!path.empty()) {
        if (auto it = by_path_.find(std::string(path)); it != by_path_.end()) {
            if (const StoredEvent* e = nearest(it->second, wall, utc, code, false)) {
                out = {e->rule >= 0 ? std::string_view(rules_->rule(e->rule).name) : "unknown", e->detail,
                       "correlation:path"};
                return true;
            }
        }
    }
    if (const StoredEvent* e = nearest(by_time_, wall, utc, code, true); e && e->rule >= 0) {
        out = {rules_->rule(e->rule).name, e->detail, "correlation:time"};
        return true;
    }
    return false;
}

}  // namespace logcodes
