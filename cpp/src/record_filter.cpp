#include "logcodes/record_filter.hpp"

#include <re2/re2.h>

namespace logcodes {

namespace {

char upper(char c) noexcept { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

bool equal_nocase(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (upper(a[i]) != upper(b[i])) return false;
    return true;
}

// Compiles each pattern of `what` ("paths", "hosts"); false with `err` naming the argument and pattern.
bool compile_patterns(const std::vector<std::string>& patterns, const char* what, bool case_sensitive,
                      std::vector<std::unique_ptr<re2::RE2>>& out, Error& err) {
    for (const auto& p : patterns) {
        RE2::Options o;
        o.set_log_errors(false);
        o.set_dot_nl(true);
        o.set_case_sensitive(case_sensitive);
        std::string regex;
        if (p.rfind("re:", 0) == 0) {
            regex = p.substr(3);
        } else {
            // Globs match bytes: logs may hold non-UTF-8 bytes, which a UTF-8 regex could never match.
            o.set_encoding(RE2::Options::EncodingLatin1);
            regex = glob_to_regex(p);
        }
        auto re = std::make_unique<re2::RE2>(regex, o);
        if (!re->ok()) {
            err.kind = ErrorKind::bad_argument;
            err.message = std::string(what) + ": bad pattern '" + p + "': " + re->error();
            return false;
        }
        out.push_back(std::move(re));
    }
    return true;
}

bool any_full_match(const std::vector<std::unique_ptr<re2::RE2>>& res, std::string_view text) {
    const re2::StringPiece piece(text.data(), text.size());
    for (const auto& re : res)
        if (RE2::FullMatch(piece, *re)) return true;
    return false;
}

}  // namespace

std::string glob_to_regex(std::string_view g) {
    std::string out;
    for (std::size_t i = 0; i < g.size(); ++i) {
        const char c = g[i];
        if (c == '*') {
            out += ".*";
        } else if (c == '?') {
            out += '.';
        } else if (c == '[') {
            // A class runs to the next ']' (one right after '[' or '[!' is a member); unclosed: a literal '['.
            std::size_t j = i + 1;
            if (j < g.size() && g[j] == '!') ++j;
            if (j < g.size() && g[j] == ']') ++j;
            while (j < g.size() && g[j] != ']') ++j;
            if (j >= g.size()) {
                out += "\\[";
                continue;
            }
            std::size_t k = i + 1;
            out += '[';
            if (g[k] == '!') {
                out += '^';
                ++k;
            }
            for (; k < j; ++k) {
                if (g[k] == '\\' || g[k] == '[' || (g[k] == ']') || (g[k] == '^' && k == i + 1)) out += '\\';
                out += g[k];
            }
            out += ']';
            i = j;
        } else {
            out += RE2::QuoteMeta(re2::StringPiece(&g[i], 1));
        }
    }
    return out;
}

RecordFilter::~RecordFilter() = default;

std::shared_ptr<const RecordFilter> RecordFilter::compile(const FilterSpec& spec, Error& err) {
    std::shared_ptr<RecordFilter> f(new RecordFilter());
    f->spec_ = spec;
    for (const auto& [lo, hi] : spec.codes) {
        if (lo > hi || hi > 999) {
            err.kind = ErrorKind::bad_argument;
            err.message = "codes: bad range " + std::to_string(lo) + "-" + std::to_string(hi);
            return nullptr;
        }
        for (unsigned c = lo; c <= hi; ++c) f->codes_.set(c);
    }
    if (!compile_patterns(spec.paths, "paths", true, f->paths_, err)) return nullptr;
    if (!compile_patterns(spec.hosts, "hosts", false, f->hosts_, err)) return nullptr;
    return f;
}

bool RecordFilter::keep(const Record& r, const Classified& c, TimeSyntax time_syntax) const noexcept {
    if (!spec_.codes.empty() && !codes_.test(c.code)) return false;
    if (!spec_.methods.empty()) {
        bool hit = false;
        for (const auto& m : spec_.methods) hit = hit || equal_nocase(m, r.method);
        if (!hit) return false;
    }
    if (spec_.since_ms != kNoTime || spec_.until_ms != kNoTime) {
        // A record whose time is missing or unreadable cannot be placed in the interval: it is left out.
        const TimeSyntax ts = r.time_syntax != TimeSyntax::none ? r.time_syntax : time_syntax;
        const std::int64_t utc = record_time_ms(ts, r.time, r.time2);
        if (utc == kNoTime) return false;
        const std::int64_t wall = utc + record_zone_offset(ts, r.time) * 1000;
        if (spec_.since_ms != kNoTime && (spec_.since_wall ? wall : utc) < spec_.since_ms) return false;
        if (spec_.until_ms != kNoTime && (spec_.until_wall ? wall : utc) >= spec_.until_ms) return false;
    }
    if (!paths_.empty() && !any_full_match(paths_, r.path())) return false;
    if (!hosts_.empty() && !any_full_match(hosts_, r.host)) return false;
    return true;
}

}  // namespace logcodes
