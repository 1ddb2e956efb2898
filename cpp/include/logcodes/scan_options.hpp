// What a scan is asked to do: the one shape of scan options, shared by Scanner (files), StreamScanner
// (bytes fed in pieces) and RecordBatchReader (records as Arrow batches).
//
// The plain options are declared once, in LOGCODES_PLAIN_SCAN_OPTIONS: the struct's fields and the Python
// binding's keywords and read-only properties are made from that list, so a new plain option is one line
// here (and its normalisation in python/logcodes/_options.py). The options with structure of their own
// (format, grouping, count level, rules, filter) are fields below the list.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "logcodes/aggregator.hpp"
#include "logcodes/calls.hpp"
#include "logcodes/correlate.hpp"
#include "logcodes/error.hpp"
#include "logcodes/formats/format.hpp"
#include "logcodes/record_filter.hpp"
#include "logcodes/rules.hpp"
#include "logcodes/stats.hpp"

namespace logcodes {

// Which format inputs are read with: detected per input ("auto"), a built-in one, or a compiled one
// (from a server's format string). Built-in names are looked up once, here.
class FormatChoice {
public:
    FormatChoice() = default;  // auto
    explicit FormatChoice(FormatPtr format) : format_(std::move(format)) {}
    // "auto" or a built-in format's name; an unknown name sets `err` (bad_argument, listing the valid ones).
    static FormatChoice named(std::string_view name, Error& err);

    bool is_auto() const noexcept { return format_ == nullptr; }
    const Format* get() const noexcept { return format_.get(); }   // null when auto
    const FormatPtr& shared() const noexcept { return format_; }
    std::string name() const;                                      // "auto" or the format's name

private:
    FormatPtr format_;
};

using PathPairs = std::vector<std::pair<std::string, std::string>>;
using ByteRange = std::optional<std::pair<std::uint64_t, std::uint64_t>>;

// X(type, name, default, what it is)
#define LOGCODES_PLAIN_SCAN_OPTIONS(X)                                                                            \
    X(std::vector<std::string>, paths, {}, "files; '-' is standard input")                                        \
    X(unsigned, threads, 0, "worker threads (0: all hardware threads)")                                          \
    X(std::size_t, block_size, 1u << 20, "bytes per read()")                                                     \
    X(std::size_t, max_record, 16u << 20, "longer lines are counted as unparsed and skipped")                    \
    X(std::uint64_t, min_range, 0, "smallest byte range a file is split into (0: 4 blocks)")                     \
    X(std::size_t, max_samples, kDefaultMaxSamples, "samples kept of each kind of what was not counted")         \
    X(std::vector<std::string>, error_paths, {}, "error logs explaining access-log errors (correlate.hpp)")      \
    X(std::vector<std::string>, explain, {"5xx"}, "access-log codes to explain: '5xx', '502' ...")               \
    X(std::int64_t, window_ms, 2000, "how far apart an error and its error-log event may be")                    \
    X(PathPairs, path_map, {}, "access-log path prefixes as the error logs' server names them (PathMap)")        \
    X(std::size_t, max_events, EventStore::kDefaultMaxEvents, "error-log events kept for the join")              \
    X(ByteRange, byte_range, std::nullopt,                                                                       \
      "only the lines that start in [begin, end) of each splittable input (a piece for a distributed scan; "      \
      "sample line numbers are then 0 past the first piece)")

struct ScanOptions {
#define LOGCODES_OPTION_FIELD(type, name, init, what) type name = init;
    LOGCODES_PLAIN_SCAN_OPTIONS(LOGCODES_OPTION_FIELD)
#undef LOGCODES_OPTION_FIELD

    FormatChoice format;                                   // auto: detected per input
    GroupSpec group{{Dim::klass, Dim::code}, 3600};
    // How the events of error logs given as main inputs are grouped (see event_counts.hpp); their causes
    // come from `rules`.
    GroupSpec event_group{{Dim::level, Dim::cause}, 3600};
    CountLevel count_level = CountLevel::transactions;    // SIP: messages, transactions or calls
    std::shared_ptr<const RuleSet> rules;                  // names causes (errors= and error logs as inputs)
    // Only records this filter keeps are counted (the others: ScanStats::filtered); null: all.
    std::shared_ptr<const RecordFilter> filter;
};

// Options reading `format` ("auto" or a built-in name: std::invalid_argument when unknown), grouped by
// `group`, at count level `level`: the shorthand of C++ callers and tests.
ScanOptions options_for(std::string_view format, GroupSpec group, CountLevel level = CountLevel::transactions,
                        std::size_t max_record = 16u << 20, std::size_t max_samples = kDefaultMaxSamples);

// Checks names and sizes; the paths themselves are checked when scanning.
Error check_options(const ScanOptions& options);

}  // namespace logcodes
