// Path templates: the variable parts of a URL path become placeholders, so "/users/42" and "/users/43"
// count as one group, "/users/{id}".
//
// Built-in rules look at one path segment at a time (between slashes; a short ".ext" suffix is kept):
//   {date}   2024-01-31, or 20240131 (8 digits that form a valid date, years 1900-2099)
//   {id}     digits only
//   {uuid}   8-4-4-4-12 hex digits
//   {hash}   16 or more hex digits with at least one digit in them (SHA-1, MD5, Mongo ids ...), or a
//            20+ character run of letters and digits of which at least a fifth are digits and a fifth
//            letters (random tokens; slugs such as "summer-sale-2024" have dashes and are kept)
//   {email}  local@domain.tld (also with '@' written as %40)
// User rules (RE2 patterns, each replaced by its placeholder over the whole path) run first, in order.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace re2 {
class RE2;
}

namespace logcodes {

struct PathRule {
    std::string pattern;      // RE2 syntax, matched anywhere in the path
    std::string placeholder;  // literal replacement, e.g. "{tenant}"
};

class PathTemplater {
public:
    PathTemplater();  // built-in rules only
    ~PathTemplater();
    PathTemplater(const PathTemplater&) = delete;
    PathTemplater& operator=(const PathTemplater&) = delete;

    // Compiles user rules; on a bad pattern returns null and sets `error` naming the rule.
    static std::unique_ptr<PathTemplater> with_rules(const std::vector<PathRule>& rules, std::string& error);

    // Writes the templated `path` into `out` (cleared first). Without user rules this allocates only
    // when `out` must grow, so a reused buffer makes it allocation-free. User rules rewrite in `scratch`;
    // both buffers belong to the caller, so one templater serves many threads.
    void apply(std::string_view path, std::string& out, std::string& scratch) const;
    bool has_rules() const noexcept { return !rules_.empty(); }

    // The placeholder for one segment ("{id}" ...), or empty when the segment is kept as written.
    static std::string_view classify_segment(std::string_view segment) noexcept;

private:
    void apply_builtin(std::string_view path, std::string& out) const;

    struct Compiled;
    std::vector<std::unique_ptr<Compiled>> rules_;
};

}  // namespace logcodes
