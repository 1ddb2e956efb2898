// Cause rules: named RE2 patterns matched against error-log events in one RE2::Set pass.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "logcodes/error.hpp"

namespace logcodes {

struct Rule {
    std::string name;                 // the cause slug: "jsp_compile_error"
    std::string label;                // for people: "JSP does not compile"
    std::string pattern;              // RE2 syntax, searched anywhere in the event's text
    std::vector<std::string> codes;   // codes it explains: "5xx", "502"; empty: any error
    std::string kind = {};            // which case of the cause this rule finds ("translation"); optional
};

class RuleSet {
public:
    // Compiles the rules; on a bad pattern returns nullptr and an error naming the rule.
    static std::unique_ptr<RuleSet> compile(std::vector<Rule> rules, Error& err);
    ~RuleSet();

    // The first rule (in the given order) whose pattern occurs in `text`; -1 when none. If `detail` is
    // given, it receives what capture() gives for that rule.
    int match(std::string_view text, std::string_view* detail = nullptr) const;
    // The text of the first capture group of rule `i` that took part in its match in `text` (empty when it
    // has none): what match() gives as `detail`, asked apart because it costs a second, slower match. A rule
    // with a `kind` gives "kind: group text" (or the kind alone); that text lives in a buffer of the calling
    // thread and stays valid until its next capture() or match().
    std::string_view capture(int i, std::string_view text) const;
    // Whether rule `i` explains code `code`.
    bool applies(int i, int code) const noexcept;
    const Rule& rule(int i) const noexcept { return rules_[static_cast<std::size_t>(i)]; }
    std::size_t size() const noexcept { return rules_.size(); }

private:
    RuleSet();
    std::string_view first_group(int i, std::string_view text) const;
    struct Impl;  // RE2 stays out of the header
    std::vector<Rule> rules_;
    std::unique_ptr<Impl> impl_;
};

// True when `code` is selected by `spec` ("5xx", "502", "4xx").
bool code_selected(std::string_view spec, int code) noexcept;

}  // namespace logcodes
