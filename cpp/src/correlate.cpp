#include "logcodes/correlate.hpp"

#include <algorithm>
#include <cctype>

#include "logcodes/event_counts.hpp"
#include "logcodes/fields.hpp"
#include "logcodes/time.hpp"

namespace logcodes {

namespace {

// later - earlier for times that may be INT64_MIN (unknown) or far apart: saturates instead of overflowing,
// and the result is only ever compared with a window of seconds.
std::int64_t distance(std::int64_t later, std::int64_t earlier) noexcept {
    std::int64_t d;
    if (__builtin_sub_overflow(later, earlier, &d) || d > INT64_MAX / 4) return INT64_MAX / 4;
    return d;
}

bool severe(std::string_view level) noexcept {
    // Compared without case and without building a string: this runs for every error-log event.
    auto is = [level](std::string_view word) {
        if (level.size() != word.size()) return false;
        for (std::size_t i = 0; i < word.size(); ++i)
            if (std::tolower(static_cast<unsigned char>(level[i])) != word[i]) return false;
        return true;
    };
    for (std::string_view w : {"error", "crit", "critical", "alert", "emerg", "fatal", "severe", "err"})
        if (is(w)) return true;
    return false;
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

EventReader::EventReader(const RuleSet* rules, const std::vector<std::string>& explain) : rules_(rules) {
    if (!rules_) return;
    useful_.assign(rules_->size(), explain.empty());
    for (std::size_t i = 0; i < rules_->size(); ++i)
        for (int code = 100; code < 700 && !useful_[i]; ++code) {
            bool asked = false;
            for (const auto& spec : explain) asked = asked || code_selected(spec, code);
            useful_[i] = asked && rules_->applies(static_cast<int>(i), code);
        }
}

bool EventReader::read(Record& e, std::uint32_t file, std::uint64_t line, EventCandidate& out,
                       std::map<std::string, Template>& templates, std::uint64_t& classified, Parser* names) const {
    const std::string_view text = e.event_text;
    const int rule = rules_ ? rules_->match(text) : -1;
    if (rule >= 0) {
        ++classified;
        // Named, but for codes not asked about (a 404's open() failure when 5xx are explained): not kept.
        if (!useful_[static_cast<std::size_t>(rule)]) return false;
    } else if (!severe(e.level)) {
        return false;  // notices and warnings no rule names explain nothing: not kept
    }
    if (rule < 0) {
        const std::string_view head = text.substr(0, std::min<std::size_t>(text.find('\n'), 400));
        Template& tp = templates[event_template(head)];
        if (tp.count++ == 0) {
            tp.example = std::string(head);
            tp.file = file;
            tp.line = line;
        }
    }
    if (names) names->name_event(e);  // only now: most events of a busy log are not kept
    StoredEvent& s = out.event;
    s.wall = s.utc = INT64_MIN;
    if (e.time_syntax == TimeSyntax::iso8601) {
        iso_clocks(e.time, s.wall, s.utc);
    } else {
        s.wall = s.utc = record_time(e.time_syntax, e.time, e.time2);
    }
    static const FieldId conn_field = intern_field("conn");
    out.writer.clear();
    if (const std::string_view writer = e.extra(conn_field); !writer.empty())
        out.writer.assign(reinterpret_cast<const char*>(&file), sizeof file).append(writer);
    out.client.assign(e.client);
    s.rule = rule;
    s.errorish = true;
    s.claimed = false;
    s.file = file;
    s.line = line;
    s.timeline = nullptr;
    s.path.clear();
    const std::string_view path = e.path_only.empty() ? e.path() : e.path_only;
    if (!path.empty()) s.path = normalize_request_path(path);
    static const FieldId context_field = intern_field("context_path");
    // ROOT's context is an empty value that is there (a view into the event), unlike a missing one.
    s.context.clear();
    s.has_context = false;
    if (const std::string_view context = e.extra(context_field); context.data() != nullptr) {
        s.has_context = true;
        s.context = normalize_request_path(context);
        if (s.context == "/") s.context.clear();
    }
    s.request_id.assign(e.request_id);
    s.detail = detail_of(e, rule, text);
    return true;
}

std::string EventReader::detail_of(const Record& e, int rule, std::string_view text) const {
    const std::string_view captured = rule >= 0 ? rules_->capture(rule, text) : std::string_view();
    std::string detail = !captured.empty() ? std::string(captured) : std::string(e.detail);
    // A rule of a kind that captures nothing itself ("class not found after a failed compile") names the page
    // the event names: "<kind>: /shop/a.jsp".
    if (rule >= 0 && !e.path_only.empty() && !captured.empty() && captured == rules_->rule(rule).kind)
        detail.append(": ").append(e.path_only);
    return detail;
}

void EventPiece::add(Record& e, std::uint32_t file, std::uint64_t line, Parser* names) {
    if (reader_->read(e, file, line, next_, templates_, classified_, names)) candidates_.push_back(std::move(next_));
}

EventStore::EventStore(const RuleSet* rules, std::int64_t window_ms, PathMap paths,
                       const std::vector<std::string>& explain)
    : reader_(rules, explain), rules_(rules), window_ms_(window_ms), paths_(std::move(paths)) {}

void EventStore::add(Record& e, std::uint32_t file, std::uint64_t line, Parser* names) {
    if (reader_.read(e, file, line, next_, templates_, classified_, names)) admit(std::move(next_));
}

void EventStore::add(EventPiece&& piece, std::uint64_t lines_before) {
    for (auto& [k, t] : piece.templates_) {
        Template& mine = templates_[k];
        if (mine.count == 0) {
            mine = std::move(t);
            mine.line += lines_before;
        } else {
            mine.count += t.count;
        }
    }
    classified_ += piece.classified_;
    for (EventCandidate& c : piece.candidates_) {
        c.event.line += lines_before;
        admit(std::move(c));
    }
    piece.candidates_.clear();
    piece.templates_.clear();
}

void EventStore::admit(EventCandidate&& c) {
    StoredEvent& e = c.event;
    if (!c.writer.empty()) {
        if (auto g = open_groups_.find(c.writer); g != open_groups_.end()) {
            StoredEvent& lead = events_[g->second.event];
            const bool near = lead.wall != INT64_MIN && e.wall != INT64_MIN && std::abs(e.wall - lead.wall) <= 1;
            const bool same_client = c.client.empty() || g->second.client.empty() || c.client == g->second.client;
            if (near && same_client) {
                absorb(lead, e);
                if (g->second.client.empty()) g->second.client = c.client;
                return;
            }
        }
    }
    if (events_.size() >= max_events_) {
        ++dropped_;
        return;
    }
    if (!c.writer.empty()) open_groups_[c.writer] = OpenGroup{events_.size(), c.client};
    events_.push_back(std::move(e));
}

void EventStore::absorb(StoredEvent& lead, const StoredEvent& e) {
    // One request's lines: the path from whichever names it, the cause from the most specific rule (the
    // pack lists specific rules first: "(113)No route to host: AH00957" before AH01114's bare failure).
    if (lead.path.empty()) lead.path = e.path;
    if (lead.request_id.empty()) lead.request_id = e.request_id;
    if (e.rule >= 0 && (lead.rule < 0 || e.rule < lead.rule)) {
        lead.rule = e.rule;
        lead.detail = e.detail;
    }
}

void EventStore::finish() {
    by_path_.clear();
    by_id_.clear();
    pathless_ = {};
    contexts_.clear();
    for (std::size_t i = 0; i < events_.size(); ++i) {
        StoredEvent& e = events_[i];
        e.timeline = nullptr;
        if (!e.errorish) continue;
        if (e.has_context && !e.context.empty()) contexts_.insert(e.context);
        if (!e.request_id.empty()) by_id_[e.request_id].push_back(i);
        // A time join is a guess: only events a rule names are offered to it.
        if (!e.path.empty()) e.timeline = &by_path_[e.path];
        else if (e.rule >= 0) e.timeline = &pathless_;
        if (!e.timeline) continue;
        // Equal times keep the log's order (multimap inserts after equal keys): the first event goes first.
        e.slot = e.utc != INT64_MIN ? e.timeline->utc.emplace(e.utc, i) : e.timeline->wall.emplace(e.wall, i);
    }
}

void EventStore::take(StoredEvent& e) {
    e.claimed = true;
    if (!e.timeline) return;
    (e.utc != INT64_MIN ? e.timeline->utc : e.timeline->wall).erase(e.slot);
    e.timeline = nullptr;
}

bool EventStore::usable(const StoredEvent& e, int code, std::string_view path) const {
    if (e.rule >= 0 && rules_ && !rules_->applies(e.rule, code)) return false;
    if (!e.path.empty() || !e.has_context) return true;
    // An event naming only its web application: a request under it (ROOT: under no other context named).
    if (!e.context.empty()) return path_under(path, e.context);
    for (const std::string& c : contexts_)
        if (path_under(path, c)) return false;
    return true;
}

StoredEvent* EventStore::closest(EventTimeline& t, std::int64_t wall, std::int64_t utc, int code,
                                 std::string_view path, std::int64_t& gap) {
    const std::int64_t window = (window_ms_ + 999) / 1000;
    // How many events at most are looked at on each side: a burst of events this record may not take (other
    // codes, other contexts) must not make every claim walk the whole burst.
    constexpr int kMaxLook = 64;
    StoredEvent* best = nullptr;
    std::int64_t best_score = INT64_MAX;
    std::size_t best_index = SIZE_MAX;
    auto search = [&](std::multimap<std::int64_t, std::size_t>& m, std::int64_t at) {
        if (m.empty() || at == INT64_MIN) return;
        const auto mid = m.lower_bound(at);
        int looked = 0;
        for (auto it = mid; it != m.end() && distance(it->first, at) <= window && looked < kMaxLook; ++it, ++looked) {
            StoredEvent& e = events_[it->second];
            const std::int64_t score = distance(it->first, at) * 2 + (e.rule >= 0 ? 0 : 1);
            if (best && score > best_score + 1) break;  // nothing further can be closer
            if (!usable(e, code, path)) continue;
            if (score < best_score || (score == best_score && it->second < best_index)) {
                best = &e, best_score = score, best_index = it->second;
            }
        }
        looked = 0;
        for (auto it = mid; it != m.begin() && looked < kMaxLook; ++looked) {
            --it;
            if (distance(at, it->first) > window) break;  // events of no known time (INT64_MIN) are never near
            StoredEvent& e = events_[it->second];
            const std::int64_t score = distance(at, it->first) * 2 + (e.rule >= 0 ? 0 : 1);
            if (best && score > best_score + 1) break;
            if (!usable(e, code, path)) continue;
            if (score < best_score || (score == best_score && it->second < best_index)) {
                best = &e, best_score = score, best_index = it->second;
            }
        }
    };
    // Events that know their zone are compared in UTC when the access record knows it too, else by wall clock
    // (the two logs of one server agree on it).
    search(t.utc, utc != INT64_MIN ? utc : wall);
    search(t.wall, wall);
    if (best) gap = best_score / 2;
    return best;
}

bool EventStore::claim(const Record& r, int code, Explanation& out) {
    std::string path;
    if (const std::string_view p = r.path(); !p.empty()) {
        path = normalize_request_path(p);
        if (!paths_.empty()) path = paths_.map(path);
    }
    auto explained = [&](StoredEvent& e, JoinKind kind, std::string_view source, std::int64_t gap) {
        take(e);
        out = {e.rule >= 0 ? std::string_view(rules_->rule(e.rule).name) : std::string_view("unknown"), e.detail,
               source, kind, gap};
        return true;
    };
    if (!r.request_id.empty()) {
        if (auto it = by_id_.find(std::string(r.request_id)); it != by_id_.end()) {
            // One request's events: the first a rule names, else the first; never one naming another path.
            StoredEvent* pick = nullptr;
            for (std::size_t i : it->second) {
                StoredEvent& e = events_[i];
                if (!e.path.empty() && !path.empty() && e.path != path) continue;
                if (!pick || (pick->rule < 0 && e.rule >= 0)) pick = &e;
            }
            if (pick) return explained(*pick, JoinKind::request_id, "correlation:request_id", 0);
        }
    }
    std::int64_t wall, utc;
    record_clocks(r, wall, utc);
    if (wall == INT64_MIN && utc == INT64_MIN) return false;
    std::int64_t gap = 0;
    if (!path.empty()) {
        if (auto it = by_path_.find(path); it != by_path_.end())
            if (StoredEvent* e = closest(it->second, wall, utc, code, path, gap))
                return explained(*e, JoinKind::path, "correlation:path", gap);
    }
    if (StoredEvent* e = closest(pathless_, wall, utc, code, path, gap))
        return explained(*e, JoinKind::time, "correlation:time", gap);
    return false;
}

}  // namespace logcodes
