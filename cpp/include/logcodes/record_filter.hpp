// Filters applied at scan time, after classification and before counting: only the records that pass
// are counted (or turned into Arrow rows); the others are counted as `filtered` in ScanStats.
#pragma once

#include <bitset>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "logcodes/classifier.hpp"
#include "logcodes/error.hpp"
#include "logcodes/record.hpp"
#include "logcodes/time.hpp"

namespace re2 {
class RE2;
}

namespace logcodes {

struct FilterSpec {
    // [since, until) in milliseconds since the epoch; kNoTime: unbounded. A `wall` bound is compared with
    // the log's own wall clock (its time before the zone offset is applied), the other with UTC.
    std::int64_t since_ms = kNoTime, until_ms = kNoTime;
    bool since_wall = false, until_wall = false;
    std::vector<std::pair<std::uint16_t, std::uint16_t>> codes;  // inclusive ranges; empty: any code
    std::vector<std::string> methods;                            // exact, case-insensitive; empty: any
    // Globs (fnmatch rules: * ? [abc] [!abc]) or, with a "re:" prefix, RE2 regexes; each matches the whole
    // value. paths match the path without the query; hosts are case-insensitive.
    std::vector<std::string> paths;
    std::vector<std::string> hosts;

    bool empty() const noexcept {
        return since_ms == kNoTime && until_ms == kNoTime && codes.empty() && methods.empty() && paths.empty() &&
               hosts.empty();
    }
};

// The regular expression (RE2 syntax) a glob stands for, not anchored.
std::string glob_to_regex(std::string_view glob);

class RecordFilter {
public:
    // Compiles `spec`; nullptr with `err` (bad_argument, naming the argument) when a pattern is bad.
    static std::shared_ptr<const RecordFilter> compile(const FilterSpec& spec, Error& err);
    ~RecordFilter();
    RecordFilter(const RecordFilter&) = delete;
    RecordFilter& operator=(const RecordFilter&) = delete;

    // Whether a classified record passes; `time_syntax` is used when the record does not say its own.
    bool keep(const Record& r, const Classified& c, TimeSyntax time_syntax) const noexcept;
    // Whether keep() reads the request's method or target.
    bool reads_request() const noexcept { return !spec_.methods.empty() || !spec_.paths.empty(); }

private:
    RecordFilter() = default;
    FilterSpec spec_;
    std::bitset<1000> codes_;
    std::vector<std::unique_ptr<re2::RE2>> paths_, hosts_;
};

}  // namespace logcodes
