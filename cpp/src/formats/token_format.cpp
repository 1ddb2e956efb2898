#include "logcodes/formats/token_format.hpp"

#include <cstring>
#include <memory>

#include "logcodes/find.hpp"
#include "logcodes/formats/access_log.hpp"

namespace logcodes {

namespace {

constexpr int kMatchBudget = 256;  // candidate ends tried per line: bounds hostile lines

bool escaped(std::string_view s, std::size_t q) noexcept {
    std::size_t n = 0;
    while (q > n && s[q - n - 1] == '\\') ++n;
    return (n & 1u) != 0;
}

std::string_view dash_empty(std::string_view v) noexcept { return v == "-" ? std::string_view{} : v; }

bool status_token(std::string_view s) noexcept {
    if (s == "-") return true;
    if (s.empty() || s.size() > 6) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

// True when a field ending at `end` would cut an nginx upstream list ("a, b", "a : b") in two: written
// unquoted, such a list holds spaces, but only after its ',' separators and around its ':' ones.
bool inside_list(std::string_view line, std::size_t end) noexcept {
    if (end == 0 || end >= line.size() || line[end] != ' ') return false;
    if (line[end - 1] == ',') return true;
    if (end + 2 < line.size() && line[end + 1] == ':' && line[end + 2] == ' ') return true;
    return end >= 2 && line[end - 1] == ':' && line[end - 2] == ' ';
}

bool three_digits(std::string_view s) noexcept {
    return s.size() == 3 && s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' && s[2] >= '0' && s[2] <= '9';
}

// Literals between fields are a few bytes (`" "`, `] "`, ` rt=`): compared inline, not by a memcmp call.
bool literal_at(std::string_view line, std::size_t pos, std::string_view lit) noexcept {
    if (line.size() - pos < lit.size()) return false;
    for (std::size_t k = 0; k < lit.size(); ++k)
        if (line[pos + k] != lit[k]) return false;
    return true;
}

// The first `lit` at or after `from`: its first byte found 16 bytes at a time, the rest compared inline.
std::size_t find_literal(std::string_view line, std::size_t from, std::string_view lit) noexcept {
    if (lit.empty()) return from <= line.size() ? from : std::string_view::npos;
    for (std::size_t p = find_in(line, from, lit[0]); p != std::string_view::npos; p = find_in(line, p + 1, lit[0]))
        if (literal_at(line, p, lit)) return p;
    return std::string_view::npos;
}
}  // namespace

TokenFormat::TokenFormat(std::string name, std::string description, std::vector<TokenItem> items)
    : name_(std::move(name)), description_(std::move(description)), items_(std::move(items)) {
    field_index_.assign(items_.size(), -1);
    quoted_.assign(items_.size(), false);
    for (std::size_t i = 0; i < items_.size(); ++i) {
        if (items_[i].is_literal) continue;
        field_index_[i] = static_cast<int>(fields_++);
        ids_.push_back(intern_field(items_[i].field.name));
        has_status_ = has_status_ || items_[i].field.role == Role::status;
        closed_fields_ = closed_fields_ || items_[i].field.closed;
        const bool after_quote = i > 0 && items_[i - 1].is_literal && items_[i - 1].literal.back() == '"';
        const bool before_quote = i + 1 < items_.size() && items_[i + 1].is_literal && items_[i + 1].literal.front() == '"';
        const bool after_bracket = i > 0 && items_[i - 1].is_literal && items_[i - 1].literal.back() == '[';
        const bool before_bracket = i + 1 < items_.size() && items_[i + 1].is_literal && items_[i + 1].literal.front() == ']';
        quoted_[i] = after_quote && before_quote;
        // Quoted and bracketed values may hold spaces; so may fields that are free text by nature.
        if (quoted_[i] || (after_bracket && before_bracket)) items_[i].field.spaces = true;
    }
}

bool TokenFormat::match(Match& m, std::size_t i, std::size_t pos) const noexcept {
    const std::string_view line = m.line;
    const std::size_t n = line.size();
    if (i == items_.size()) return !(m.strict || m.require_end) || pos == n;  // leniently, extra text is fine
    const TokenItem& item = items_[i];
    if (item.is_literal) {
        const std::string& lit = item.literal;
        if (literal_at(line, pos, lit)) return match(m, i + 1, pos + lit.size());
        // Leniently, a line may stop early once its status is known (missing trailing fields).
        return !m.strict && m.status_seen && lit.starts_with(line.substr(pos));
    }

    const auto fi = static_cast<std::size_t>(field_index_[i]);
    const bool is_status = item.field.role == Role::status;
    const bool status_before = m.status_seen;
    std::size_t limit = n;
    if (!item.field.spaces) {
        const std::size_t sp = find_in(line, pos, ' ');
        if (sp != std::string_view::npos) limit = sp;
    } else if ((m.strict || (m.closed_quotes && item.field.closed)) && quoted_[i]) {
        // Servers escape quotes inside quoted fields: exactly, the first unescaped quote ends the field.
        std::size_t fq = find_in(line, pos, '"');
        while (fq != std::string_view::npos && escaped(line, fq)) fq = find_in(line, fq + 1, '"');
        if (fq != std::string_view::npos) limit = fq;
    }
    // Cheap checks that steer the search away from wrong ends: a status that is not one, a "[time]"
    // that does not close.
    auto plausible = [&](std::size_t end) {
        const std::string_view v = line.substr(pos, end - pos);
        if (is_status && m.status_like && !status_token(v)) return false;
        if (item.field.strip_brackets && !(v.size() >= 2 && v.front() == '[' && v.back() == ']')) return false;
        if (item.field.list && inside_list(line, end)) return false;
        return true;
    };
    auto take = [&](std::size_t end) {
        m.spans[fi] = Span{static_cast<std::uint32_t>(pos), static_cast<std::uint32_t>(end)};
        m.have[fi] = true;
        m.status_seen = status_before || is_status;
    };

    if (i + 1 == items_.size()) {  // the last field takes the rest of the line
        if ((m.strict || m.require_end) && limit != n) return false;
        if (!plausible(limit)) return false;
        take(limit);
        return true;
    }
    const std::string& next = items_[i + 1].literal;
    std::size_t q = pos;
    while (m.budget-- > 0) {
        q = find_literal(line, q, next);
        if (q == std::string_view::npos || q > limit) break;
        if ((quoted_[i] && escaped(line, q)) || !plausible(q)) {
            ++q;
            continue;
        }
        take(q);
        if (match(m, i + 1, q)) return true;
        ++q;
    }
    m.status_seen = status_before;
    // The line ends inside a trailing field (or, for a quoted field read up to its quote, with it).
    const bool line_ends = limit == n || (limit + 1 == n && quoted_[i] && line[limit] == '"');
    if (!m.strict && !m.require_end && status_before && line_ends && find_literal(line, pos, next) == std::string_view::npos) {
        take(limit);
        return true;
    }
    m.have[fi] = false;
    return false;
}

bool TokenFormat::run(std::string_view line, bool strict, bool require_end, bool status_like, Match& m,
                      bool closed_quotes) const noexcept {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.size() > UINT32_MAX || !has_status_) return false;
    m.line = line;
    m.strict = strict;
    m.require_end = require_end;
    m.status_like = status_like;
    m.closed_quotes = closed_quotes;
    m.budget = kMatchBudget;
    m.status_seen = false;
    std::memset(m.have, 0, fields_);
    return match(m, 0, 0);
}

bool TokenFormat::parse(std::string_view line, Record& out) const noexcept {
    // Best reading first: the whole line used with a plausible status; then looser readings, so a line
    // with extra fields, or a status that is not one ("abc"), is still read rather than lost.
    Match m;
    // Formats whose quoted fields never hold a raw quote read them so first: a line with fields the format
    // does not know yet at its end (a newer ALB) is then read field by field, rather than whole by letting
    // a quoted field run on across the extra ones.
    const bool closed = closed_fields_ && (run(line, false, true, true, m, true) || run(line, false, false, true, m, true));
    if (!closed && !run(line, false, true, true, m) && !run(line, false, false, true, m) &&
        !run(line, false, false, false, m))
        return false;
    out.clear();
    int host_rank = -1;
    // Two passes: a whole request line first, so dedicated method/URI fields refine it.
    for (int pass = 0; pass < 2; ++pass) {
        for (std::size_t i = 0; i < items_.size(); ++i) {
            if (items_[i].is_literal) continue;
            const auto fi = static_cast<std::size_t>(field_index_[i]);
            if (!m.have[fi]) continue;
            const TokenField& f = items_[i].field;
            if ((f.role == Role::request) != (pass == 0)) continue;
            std::string_view v = m.line.substr(m.spans[fi].begin, m.spans[fi].end - m.spans[fi].begin);
            if (f.strip_brackets && v.size() >= 2 && v.front() == '[' && v.back() == ']') v = v.substr(1, v.size() - 2);
            out.add_extra(ids_[fi], dash_empty(v));
            switch (f.role) {
                case Role::extra: case Role::protocol: break;
                case Role::client: out.client = dash_empty(v); break;
                case Role::time:
                    out.time = v;
                    out.time_syntax = f.time_syntax;
                    break;
                case Role::request: split_request(v, out); break;
                case Role::method: if (!dash_empty(v).empty()) out.method = v; break;
                case Role::target: if (!dash_empty(v).empty()) out.target = v; break;
                case Role::path: out.path_only = dash_empty(v); break;
                case Role::status: out.status = v; break;
                case Role::bytes: out.bytes = v; break;
                case Role::duration:
                    out.duration = dash_empty(v);
                    out.duration_unit = f.unit;
                    break;
                case Role::host:
                    if (!dash_empty(v).empty() && f.host_rank > host_rank) {
                        out.host = v;
                        host_rank = f.host_rank;
                    }
                    break;
                case Role::upstream_status: out.upstream_status = v; break;  // "-": no upstream was involved
            }
        }
    }
    return true;
}

bool TokenFormat::strict(std::string_view line, const Record& r) const noexcept {
    if (!three_digits(r.status)) return false;
    Match m;
    return run(line, true, true, true, m);
}

std::vector<std::string> TokenFormat::field_names() const {
    std::vector<std::string> names;
    for (const auto& it : items_)
        if (!it.is_literal) names.push_back(it.field.name);
    return names;
}

CompileResult compile_error(std::string error, std::size_t position, std::string token) {
    CompileResult r;
    r.error = std::move(error);
    r.position = position;
    r.token = std::move(token);
    return r;
}

void flush_literal(std::vector<TokenItem>& items, std::string& literal) {
    if (literal.empty()) return;
    TokenItem lit;
    lit.is_literal = true;
    lit.literal = std::move(literal);
    items.push_back(std::move(lit));
    literal.clear();
}

CompileResult build_token_format(std::string name, std::string description, std::vector<TokenItem> items) {
    CompileResult r;
    std::size_t fields = 0, statuses = 0;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (items[i].is_literal) {
            if (items[i].literal.empty()) items.erase(items.begin() + static_cast<std::ptrdiff_t>(i--));
            continue;
        }
        const TokenField& f = items[i].field;
        ++fields;
        statuses += f.role == Role::status;
        if (i > 0 && !items[i - 1].is_literal) {
            r.error = "fields '" + items[i - 1].field.name + "' and '" + f.name +
                      "' follow each other with nothing between them, so where one ends cannot be told";
            r.position = f.position;
            r.token = f.name;
            return r;
        }
    }
    if (fields > TokenFormat::kMaxFields) {
        r.error = "too many fields (at most " + std::to_string(TokenFormat::kMaxFields) + ")";
        return r;
    }
    if (statuses == 0) {
        r.error = "the format has no response status field, so it cannot be used to count codes";
        return r;
    }
    r.format = std::make_shared<TokenFormat>(std::move(name), std::move(description), std::move(items));
    return r;
}

}  // namespace logcodes
