// A record's derived values: what the aggregator groups by and the Arrow record builder writes, computed
// here only, so a dimension and the column of the same name always mean the same thing.
//
//   class          1..6 ("1xx" ... "6xx") of the classified code
//   reason         the phrase the record carries (SIP), else the registry's; empty for unregistered codes
//   path           HTTP: the path templated ("/users/{id}", path_template.hpp) with the scan's path rules;
//                  SIP: the request URI as written (a URI is not a path and is never templated)
//   path_raw       the path as written: without the query, scheme and authority (Record::path())
//   time           seconds since the epoch (UTC, the log's zone applied); time_ms() keeps the fraction the
//                  log writes; time_bucket(n) floors to n seconds. kNoTime when the record has no time.
//   upstream_code  the last code of the upstream status list ("502, 200" -> 200), 0 when none
//   cause          what the record says about why (causes.hpp): slug, detail and source
//   file           the label of the input the record came from
//
// Values are computed on first use and kept for the record's other readers, so a consumer pays only for
// what it asks and nothing is computed twice; a class/code count asks for nothing.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "logcodes/causes.hpp"
#include "logcodes/classifier.hpp"
#include "logcodes/path_template.hpp"
#include "logcodes/record.hpp"
#include "logcodes/time.hpp"

namespace logcodes {

// What derived values depend on besides the record — the scan's path rules, the input's label and how its
// format writes times — and the buffers built values live in. One per thread; records borrow it in turn.
class DeriveContext {
public:
    // `paths`: the scan's path rules (null: the built-in rules only).
    explicit DeriveContext(std::shared_ptr<const PathTemplater> paths = nullptr);

    // The input the next records come from: its label (kept as a view: it must outlive the records) and
    // the time syntax of its format, used when a record does not say its own.
    void set_input(std::string_view file, TimeSyntax format_time) noexcept {
        file_ = file;
        format_time_ = format_time;
    }
    const std::shared_ptr<const PathTemplater>& path_rules() const noexcept { return rules_; }

private:
    friend class Derived;
    std::shared_ptr<const PathTemplater> rules_;
    const PathTemplater* templater_;  // rules_, or the built-in rules
    std::string_view file_;
    TimeSyntax format_time_ = TimeSyntax::none;
    std::string path_, path_scratch_, cause_;  // reused: no allocation once they have grown
};

// One record's derived values, valid while the record's views and the context are; built per record.
class Derived {
public:
    Derived(const Record& r, const Classified& c, DeriveContext& ctx) noexcept : r_(r), c_(c), ctx_(ctx) {}
    Derived(const Derived&) = delete;
    Derived& operator=(const Derived&) = delete;

    const Record& record() const noexcept { return r_; }
    const Classified& classified() const noexcept { return c_; }
    Protocol protocol() const noexcept { return r_.protocol; }
    std::uint16_t code() const noexcept { return c_.code; }
    std::uint8_t klass() const noexcept { return static_cast<std::uint8_t>(c_.code / 100); }
    static std::string_view class_name(std::uint8_t klass) noexcept;  // "1xx" ... "6xx"; empty otherwise
    std::string_view class_name() const noexcept { return class_name(klass()); }
    std::string_view reason() const noexcept {
        return !r_.reason.empty() ? r_.reason : c_.entry ? c_.entry->reason : std::string_view{};
    }
    std::string_view method() const noexcept { return r_.method; }
    std::string_view host() const noexcept { return r_.host; }
    std::string_view file() const noexcept { return ctx_.file_; }
    std::string_view path_raw() const noexcept { return r_.path(); }

    std::string_view path() {
        if (!(have_ & kPath)) template_path();
        return path_;
    }
    std::int64_t time() {
        if (!(have_ & kTime)) {
            time_ = record_time(time_syntax(), r_.time, r_.time2);
            have_ |= kTime;
        }
        return time_;
    }
    std::int64_t time_ms() {
        if (!(have_ & kTimeMs)) {
            time_ms_ = r_.time.empty() ? kNoTime : record_time_ms(time_syntax(), r_.time, r_.time2);
            have_ |= kTimeMs;
        }
        return time_ms_;
    }
    // The start of the `seconds`-long bucket time() falls in (floored, also before 1970); kNoTime without one.
    std::int64_t time_bucket(std::int64_t seconds) {
        const std::int64_t t = time();
        if (t == kNoTime) return t;
        return (t >= 0 ? t / seconds : (t - seconds + 1) / seconds) * seconds;
    }
    std::uint16_t upstream_code() {
        if (!(have_ & kUpstream)) find_upstream_code();
        return upstream_;
    }
    const Cause& cause() {
        if (!(have_ & kCause)) find_cause();
        return cause_;
    }

private:
    enum : std::uint8_t { kPath = 1, kTime = 2, kTimeMs = 4, kUpstream = 8, kCause = 16 };
    TimeSyntax time_syntax() const noexcept {
        return r_.time_syntax != TimeSyntax::none ? r_.time_syntax : ctx_.format_time_;
    }
    void template_path();
    void find_upstream_code() noexcept;
    void find_cause();

    const Record& r_;
    const Classified c_;
    DeriveContext& ctx_;
    std::uint8_t have_ = 0;  // kPath | kTime ...: the values computed so far
    std::uint16_t upstream_ = 0;
    std::int64_t time_ = kNoTime, time_ms_ = kNoTime;
    std::string_view path_;
    Cause cause_;
};

}  // namespace logcodes
