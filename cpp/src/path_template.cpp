#include "logcodes/path_template.hpp"

#include <re2/re2.h>

namespace logcodes {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

int two(std::string_view s, std::size_t at) { return (s[at] - '0') * 10 + (s[at + 1] - '0'); }

bool valid_date(int year, int month, int day) {
    return year >= 1900 && year <= 2099 && month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

bool all_digits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (!is_digit(c)) return false;
    return true;
}

bool is_date(std::string_view s) {
    if (s.size() == 10 && s[4] == '-' && s[7] == '-' && all_digits(s.substr(0, 4)) && all_digits(s.substr(5, 2)) &&
        all_digits(s.substr(8, 2)))
        return valid_date(two(s, 0) * 100 + two(s, 2), two(s, 5), two(s, 8));
    if (s.size() == 8 && all_digits(s)) return valid_date(two(s, 0) * 100 + two(s, 2), two(s, 4), two(s, 6));
    return false;
}

bool is_uuid(std::string_view s) {
    if (s.size() != 36) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !is_hex(s[i])) return false;
    }
    return true;
}

bool is_hash(std::string_view s) {
    if (s.size() < 16) return false;
    std::size_t digits = 0, letters = 0;
    bool hex = true;
    for (char c : s) {
        if (is_digit(c)) ++digits;
        else if (is_alpha(c)) ++letters;
        else return false;
        hex = hex && is_hex(c);
    }
    if (hex && digits > 0) return true;
    return s.size() >= 20 && digits * 5 >= s.size() && letters * 5 >= s.size();
}

bool is_email(std::string_view s) {
    std::size_t at = s.find('@');
    std::size_t at_len = 1;
    if (at == std::string_view::npos) {
        at = s.find("%40");
        at_len = 3;
    }
    if (at == std::string_view::npos || at == 0) return false;
    const std::string_view domain = s.substr(at + at_len);
    const auto dot = domain.rfind('.');
    if (dot == std::string_view::npos || dot == 0 || dot + 1 >= domain.size()) return false;
    for (char c : domain)
        if (!(is_alpha(c) || is_digit(c) || c == '.' || c == '-')) return false;
    return true;
}

// A short file extension (".json", ".png") stays outside the placeholder: "/users/42.json" -> "/users/{id}.json".
std::size_t stem_length(std::string_view segment) {
    const auto dot = segment.rfind('.');
    if (dot == std::string_view::npos || dot == 0) return segment.size();
    const std::size_t ext = segment.size() - dot - 1;
    if (ext == 0 || ext > 5) return segment.size();
    for (char c : segment.substr(dot + 1))
        if (!is_alpha(c) && !is_digit(c)) return segment.size();
    return dot;
}

}  // namespace

struct PathTemplater::Compiled {
    std::unique_ptr<RE2> re;
    std::string rewrite;  // the placeholder with RE2's rewrite escapes doubled
};

PathTemplater::PathTemplater() = default;
PathTemplater::~PathTemplater() = default;

std::unique_ptr<PathTemplater> PathTemplater::with_rules(const std::vector<PathRule>& rules, std::string& error) {
    auto t = std::make_unique<PathTemplater>();
    for (std::size_t i = 0; i < rules.size(); ++i) {
        RE2::Options opts;
        opts.set_log_errors(false);
        auto re = std::make_unique<RE2>(rules[i].pattern, opts);
        if (!re->ok()) {
            error = "path rule " + std::to_string(i) + " (" + rules[i].pattern + " -> " + rules[i].placeholder +
                    "): " + re->error();
            return nullptr;
        }
        if (rules[i].pattern.empty() || re->Match("", 0, 0, RE2::UNANCHORED, nullptr, 0)) {
            error = "path rule " + std::to_string(i) + " (" + rules[i].pattern + " -> " + rules[i].placeholder +
                    "): the pattern matches the empty string";
            return nullptr;
        }
        auto c = std::make_unique<Compiled>();
        for (char ch : rules[i].placeholder) {
            if (ch == '\\') c->rewrite += '\\';
            c->rewrite += ch;
        }
        c->re = std::move(re);
        t->rules_.push_back(std::move(c));
    }
    return t;
}

std::string_view PathTemplater::classify_segment(std::string_view s) noexcept {
    if (s.empty() || s.front() == '{') return {};
    if (is_date(s)) return "{date}";
    if (all_digits(s)) return "{id}";
    if (is_uuid(s)) return "{uuid}";
    if (is_hash(s)) return "{hash}";
    if (is_email(s)) return "{email}";
    return {};
}

void PathTemplater::apply_builtin(std::string_view path, std::string& out) const {
    std::size_t pos = 0;
    while (pos <= path.size()) {
        std::size_t end = path.find('/', pos);
        if (end == std::string_view::npos) end = path.size();
        const std::string_view segment = path.substr(pos, end - pos);
        std::string_view placeholder = classify_segment(segment);
        std::size_t kept_from = segment.size();
        if (placeholder.empty()) {
            // An email's dots must not look like an extension, so whole-segment rules come first.
            const std::size_t stem = stem_length(segment);
            if (stem < segment.size()) {
                placeholder = classify_segment(segment.substr(0, stem));
                kept_from = stem;
            }
        }
        if (placeholder.empty()) {
            out.append(segment);
        } else {
            out.append(placeholder);
            out.append(segment.substr(kept_from));
        }
        if (end == path.size()) break;
        out.push_back('/');
        pos = end + 1;
    }
}

void PathTemplater::apply(std::string_view path, std::string& out, std::string& scratch) const {
    out.clear();
    if (rules_.empty()) {
        apply_builtin(path, out);
        return;
    }
    scratch.assign(path);
    for (const auto& r : rules_) RE2::GlobalReplace(&scratch, *r->re, r->rewrite);
    apply_builtin(scratch, out);
}

}  // namespace logcodes
