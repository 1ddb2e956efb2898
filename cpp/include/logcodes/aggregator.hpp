// The aggregator: counts of records grouped by the requested dimensions.
//
// Keys are compact byte strings (fixed-width numbers, length-prefixed text), so two aggregators built
// anywhere — threads, processes, machines — merge by adding counts of equal keys. Grouping only by
// protocol/class/code/reason (the common case) takes a dense array instead of the hash map; every other
// grouping takes a flat hash table (group_map.hpp).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "logcodes/call_metrics.hpp"
#include "logcodes/classifier.hpp"
#include "logcodes/derived.hpp"
#include "logcodes/fields.hpp"
#include "logcodes/group_map.hpp"
#include "logcodes/formats/format.hpp"
#include "logcodes/heavy_hitters.hpp"
#include "logcodes/path_template.hpp"
#include "logcodes/record.hpp"
#include "logcodes/sketch.hpp"

namespace logcodes {

// Standard dimensions, then `field`: a format's named field (GroupSpec::fields says which).
// `path` is templated ("/users/{id}", see path_template.hpp); `path_raw` is the path as written; `level` is
// an error-log event's severity (severity.hpp).
enum class Dim : std::uint8_t {
    protocol, klass, code, reason, method, host, path, file, time, upstream_code, outcome, cause, cause_detail,
    cause_source, path_raw, level, attempts, auth_rounds, hangup, field
};
inline constexpr int kDimCount = 19;  // standard dimensions (Dim::field excluded)
std::string_view dim_name(Dim d) noexcept;
bool parse_dim(std::string_view name, Dim& out) noexcept;

struct GroupSpec {
    std::vector<Dim> dims;
    std::int64_t time_bucket = 3600;   // seconds, for Dim::time
    std::vector<FieldId> fields{};     // one per Dim::field in `dims`, in the same order
    std::shared_ptr<const PathTemplater> paths{};  // user path rules; null: the built-in rules only
    bool duration_quantiles = false;   // keep a DDSketch of record durations per group
    double quantile_accuracy = DDSketch::kDefaultAccuracy;
    std::size_t heavy_capacity = 0;    // > 0: heavy hitters of `heavy_dim` in that many counters
    Dim heavy_dim = Dim::path;         // a standard dimension (not Dim::field)
};

// One component of a decoded key. Text is a view into the aggregator's storage; empty text and
// kNoTime stand for "not in the record".
struct KeyValue {
    bool is_text = false;
    std::int64_t number = 0;
    std::string_view text;
};

class Aggregator {
public:
    explicit Aggregator(GroupSpec spec);

    // Counts a record in the group of its derived values. `d`'s context should hold spec().paths (as the
    // processor's does): the path dimension is what `d` templates.
    void add(Derived& d);
    // add() of a record read alone; `time_syntax` is used when the record does not say how its time is written.
    void add(const Record& r, const Classified& c, std::string_view file, TimeSyntax time_syntax = TimeSyntax::none);
    // Adds a finished call's or registration's figures to the group `r` falls in (count level "calls");
    // the call itself is counted with add(), a registration is not a counted record.
    void add_figures(const Record& r, const Classified& c, std::string_view file, TimeSyntax time_syntax,
                     const CallFigures& figures);
    // Adds another aggregator's counts (same GroupSpec). Associative and commutative.
    void merge(const Aggregator& other);
    // The same, taking over `other`'s tables when this one has none yet (a scan's first worker).
    void merge(Aggregator&& other);
    // Frees the groups' counts once they have been read out (sketches, call figures and heavy hitters stay):
    // a result with millions of groups does not hold them twice while they are handed on.
    void drop_counts() noexcept;

    // Calls f(std::span<const KeyValue> key, std::uint64_t count) for each group, in no particular order.
    template <class F>
    void for_each(F&& f) const;
    // Calls f(std::span<const KeyValue> key, const DDSketch&) for each group that has durations.
    template <class F>
    void for_each_sketch(F&& f) const;

    // Calls f(std::span<const KeyValue> key, const CallFigures&) for each group with call figures.
    template <class F>
    void for_each_figures(F&& f) const;

    // The heavy hitters of spec().heavy_dim, decoded; f(KeyValue value, std::uint64_t count). Returns the
    // error bound (see HeavyHitters::Top).
    template <class F>
    std::uint64_t for_each_heavy(F&& f) const;
    std::uint64_t heavy_total() const noexcept { return heavy_.total(); }

    const GroupSpec& spec() const noexcept { return spec_; }
    // True when add() only bumps the counter of a (protocol, code): every dimension is protocol, class or
    // code, and nothing else is kept per record. Callers may then count with add_code() directly.
    bool counts_codes_only() const noexcept { return dense_capable_ && !has_reason_ && spec_.heavy_capacity == 0; }
    // add() of a record of protocol `p` classified as the valid `code`, when counts_codes_only().
    void add_code(Protocol p, std::uint16_t code) noexcept { ++dense_[static_cast<std::size_t>(p) * 1000 + code]; }
    std::size_t groups() const;
    // Room to reserve for what for_each() gives: at least as many groups.
    std::size_t groups_hint() const noexcept { return map_.size() + dense_.size(); }
    // Whether the texts for_each() gives point into this aggregator's own keys (they live as long as it and
    // until it changes), not into keys folded from dense counts for the call only.
    bool keys_outlive_for_each() const noexcept;
    std::uint64_t counted() const;

private:
    void append_key(Derived& v, std::string& key) const;
    void append_dim(Dim d, FieldId field, Derived& v, std::string& key) const;
    static KeyValue decode_dim(Dim d, std::string_view key, std::size_t& pos);
    void append_code_key(Protocol p, std::uint16_t code, std::string_view reason, std::string& key) const;
    void decode(std::string_view key, std::vector<KeyValue>& out) const;
    void add_key(std::string_view key, std::uint64_t n);
    GroupSpec spec_;
    bool dense_capable_;                      // every dim is protocol/class/code/reason
    bool has_reason_ = false;                 // reason is a dim: a record's own phrase matters
    std::vector<std::uint64_t> dense_;        // [protocol * 1000 + code]
    GroupMap<std::uint64_t> map_;
    GroupMap<DDSketch> sketches_;             // same keys as map_
    GroupMap<CallFigures> figures_;           // same keys as map_
    HeavyHitters heavy_;
    std::string key_;                         // reused key buffer: no allocation for known groups
    std::string heavy_key_;
    DeriveContext own_;                       // for records added alone (with spec_.paths)
};

template <class F>
std::uint64_t Aggregator::for_each_heavy(F&& f) const {
    const HeavyHitters::Top top = heavy_.top();
    for (const auto& e : top.entries) {
        std::size_t pos = 0;
        f(decode_dim(spec_.heavy_dim, e.item, pos), e.count);
    }
    return top.error;
}

template <class F>
void Aggregator::for_each_sketch(F&& f) const {
    std::vector<KeyValue> parts;
    for (const auto& e : sketches_) {
        decode(e.key(), parts);
        f(std::span<const KeyValue>(parts), e.value);
    }
}

template <class F>
void Aggregator::for_each_figures(F&& f) const {
    std::vector<KeyValue> parts;
    for (const auto& e : figures_) {
        decode(e.key(), parts);
        f(std::span<const KeyValue>(parts), e.value);
    }
}

template <class F>
void Aggregator::for_each(F&& f) const {
    std::vector<KeyValue> parts;
    std::string key;
    // Dense counts are expanded to map keys on the fly, merged with map entries of the same key.
    GroupMap<std::uint64_t> folded;
    const GroupMap<std::uint64_t>* source = &map_;
    bool any_dense = false;
    for (auto v : dense_) any_dense = any_dense || v != 0;
    if (any_dense) {
        folded = map_;
        for (int p = 0; p < kProtocolCount; ++p) {
            for (std::uint16_t code = 0; code < 1000; ++code) {
                const std::uint64_t n = dense_[static_cast<std::size_t>(p) * 1000 + code];
                if (n == 0) continue;
                key.clear();
                const auto* e = find_code(static_cast<Protocol>(p), code);
                append_code_key(static_cast<Protocol>(p), code, e ? e->reason : std::string_view{}, key);
                *folded.try_emplace(key, std::uint64_t{0}).first += n;
            }
        }
        source = &folded;
    }
    for (const auto& e : *source) {
        decode(e.key(), parts);
        f(std::span<const KeyValue>(parts), e.value);
    }
}

}  // namespace logcodes
