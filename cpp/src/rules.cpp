#include "logcodes/rules.hpp"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <cctype>

namespace logcodes {

bool code_selected(std::string_view spec, int code) noexcept {
    if (spec.size() == 3 && (spec[1] == 'x' || spec[1] == 'X')) return spec[0] - '0' == code / 100;
    int v = 0;
    for (char c : spec) {
        if (c < '0' || c > '9') return false;
        v = v * 10 + (c - '0');
    }
    return v == code;
}

struct RuleSet::Impl {
    explicit Impl(const RE2::Options& o) : set(o, RE2::UNANCHORED) {}
    RE2::Set set;
    std::vector<std::unique_ptr<RE2>> each;  // for capture groups
};

RuleSet::RuleSet() = default;
RuleSet::~RuleSet() = default;

std::unique_ptr<RuleSet> RuleSet::compile(std::vector<Rule> rules, Error& err) {
    std::unique_ptr<RuleSet> rs(new RuleSet());
    RE2::Options opts;
    opts.set_log_errors(false);
    opts.set_max_mem(64 << 20);
    rs->impl_ = std::make_unique<Impl>(opts);
    for (std::size_t i = 0; i < rules.size(); ++i) {
        const Rule& r = rules[i];
        auto fail = [&](std::string what) {
            err.kind = ErrorKind::bad_argument;
            err.message = "rule '" + r.name + "': " + what;
            return nullptr;
        };
        if (r.name.empty()) return fail("a rule needs a name");
        for (const auto& c : r.codes) {
            bool ok = c.size() == 3 && c[0] >= '1' && c[0] <= '6' &&
                      ((c[1] == 'x' && c[2] == 'x') || (std::isdigit(static_cast<unsigned char>(c[1])) &&
                                                        std::isdigit(static_cast<unsigned char>(c[2]))));
            if (!ok) return fail("code '" + c + "' is not a code or class such as 502 or 5xx");
        }
        auto re = std::make_unique<RE2>(r.pattern, opts);
        if (!re->ok()) return fail("bad pattern: " + re->error());
        std::string set_error;
        if (rs->impl_->set.Add(r.pattern, &set_error) < 0) return fail("bad pattern: " + set_error);
        rs->impl_->each.push_back(std::move(re));
    }
    if (!rs->impl_->set.Compile()) {
        err.kind = ErrorKind::bad_argument;
        err.message = "the rules are too large to compile together";
        return nullptr;
    }
    rs->rules_ = std::move(rules);
    return rs;
}

int RuleSet::match(std::string_view text, std::string_view* detail) const {
    if (rules_.empty()) return -1;
    thread_local std::vector<int> hits;  // reused: this runs once per error-log event
    hits.clear();
    if (!impl_->set.Match(re2::StringPiece(text.data(), text.size()), &hits) || hits.empty()) return -1;
    const int first = *std::min_element(hits.begin(), hits.end());
    if (detail) *detail = capture(first, text);
    return first;
}

std::string_view RuleSet::capture(int i, std::string_view text) const {
    const std::string_view group = first_group(i, text);
    const std::string& kind = rules_[static_cast<std::size_t>(i)].kind;
    if (kind.empty()) return group;
    // Only events a rule names get here (error-log lines, never access records): composing costs nothing per record.
    thread_local std::string composed;
    composed.assign(kind);
    if (!group.empty()) composed.append(": ").append(group);
    return composed;
}

std::string_view RuleSet::first_group(int i, std::string_view text) const {
    const RE2& re = *impl_->each[static_cast<std::size_t>(i)];
    const int groups = re.NumberOfCapturingGroups();
    if (groups <= 0) return {};
    // The first group that took part in the match (alternatives each have their own).
    std::vector<re2::StringPiece> pieces(static_cast<std::size_t>(groups) + 1);
    if (!re.Match(re2::StringPiece(text.data(), text.size()), 0, text.size(), RE2::UNANCHORED, pieces.data(),
                  static_cast<int>(pieces.size())))
        return {};
    for (int g = 1; g <= groups; ++g) {
        const auto& p = pieces[static_cast<std::size_t>(g)];
        if (!p.empty()) return std::string_view(p.data(), p.size());
    }
    return {};
}

bool RuleSet::applies(int i, int code) const noexcept {
    const auto& codes = rules_[static_cast<std::size_t>(i)].codes;
    if (codes.empty()) return code >= 400;
    for (const auto& c : codes)
        if (code_selected(c, code)) return true;
    return false;
}

}  // namespace logcodes
