#include "logcodes/aggregator.hpp"

#include <algorithm>
#include <array>
#include <cstring>

#include "logcodes/duration.hpp"
#include "logcodes/severity.hpp"

namespace logcodes {

namespace {

constexpr std::array<std::string_view, kDimCount + 1> kDimNames = {
    "protocol", "class", "code", "reason", "method", "host", "path", "file", "time", "upstream_code", "outcome", "cause",
    "cause_detail", "cause_source", "path_raw", "level", "attempts", "auth_rounds", "hangup", "field"};
// auth_rounds of a record that is not a call.
constexpr std::uint16_t kNoCount = UINT16_MAX;
// Text dimensions are capped so a hostile log cannot make one key arbitrarily large.
constexpr std::size_t kMaxTextBytes = 2048;

template <class T>
void put(std::string& key, T v) {
    char b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));
    key.append(b, sizeof(T));
}

template <class T>
T get(std::string_view key, std::size_t& pos) {
    T v;
    std::memcpy(&v, key.data() + pos, sizeof(T));
    pos += sizeof(T);
    return v;
}

void put_text(std::string& key, std::string_view s) {
    if (s.size() > kMaxTextBytes) s = s.substr(0, kMaxTextBytes);
    put<std::uint16_t>(key, static_cast<std::uint16_t>(s.size()));
    key.append(s);
}

bool dense_dim(Dim d) { return d == Dim::protocol || d == Dim::klass || d == Dim::code || d == Dim::reason; }

}  // namespace

std::string_view dim_name(Dim d) noexcept { return kDimNames[static_cast<std::size_t>(d)]; }

bool parse_dim(std::string_view name, Dim& out) noexcept {
    for (std::size_t i = 0; i < kDimCount; ++i) {
        if (kDimNames[i] == name) {
            out = static_cast<Dim>(i);
            return true;
        }
    }
    return false;
}

Aggregator::Aggregator(GroupSpec spec) : spec_(std::move(spec)), dense_capable_(true), own_(spec_.paths) {
    for (Dim d : spec_.dims) {
        dense_capable_ = dense_capable_ && dense_dim(d);
        has_reason_ = has_reason_ || d == Dim::reason;
    }
    if (spec_.time_bucket <= 0) spec_.time_bucket = 1;
    dense_capable_ = dense_capable_ && !spec_.duration_quantiles;  // sketches live beside map keys
    if (spec_.heavy_capacity > 0) heavy_ = HeavyHitters(spec_.heavy_capacity);
    dense_.assign(static_cast<std::size_t>(kProtocolCount) * 1000, 0);
}

void Aggregator::append_code_key(Protocol p, std::uint16_t code, std::string_view reason, std::string& key) const {
    for (Dim d : spec_.dims) {
        switch (d) {
            case Dim::protocol: put<std::uint8_t>(key, static_cast<std::uint8_t>(p)); break;
            case Dim::klass: put<std::uint8_t>(key, static_cast<std::uint8_t>(code / 100)); break;
            case Dim::code: put<std::uint16_t>(key, code); break;
            case Dim::reason: put_text(key, reason); break;
            default: break;  // not reached: only code dimensions are dense
        }
    }
}

void Aggregator::append_key(Derived& v, std::string& key) const {
    std::size_t field_index = 0;
    for (Dim d : spec_.dims) {
        FieldId id = kNoField;
        if (d == Dim::field) {
            id = field_index < spec_.fields.size() ? spec_.fields[field_index] : kNoField;
            ++field_index;
        }
        append_dim(d, id, v, key);
    }
}

void Aggregator::append_dim(Dim d, FieldId field, Derived& v, std::string& key) const {
    const Record& r = v.record();
    switch (d) {
        case Dim::protocol: put<std::uint8_t>(key, static_cast<std::uint8_t>(v.protocol())); break;
        case Dim::klass: put<std::uint8_t>(key, v.klass()); break;
        case Dim::code: put<std::uint16_t>(key, v.code()); break;
        case Dim::reason: put_text(key, v.reason()); break;
        case Dim::method: put_text(key, v.method()); break;
        case Dim::host: put_text(key, v.host()); break;
        case Dim::path: put_text(key, v.path()); break;
        case Dim::path_raw: put_text(key, v.path_raw()); break;
        case Dim::level: put_text(key, severity(r.level)); break;
        case Dim::file: put_text(key, v.file()); break;
        case Dim::upstream_code: put<std::uint16_t>(key, v.upstream_code()); break;
        case Dim::outcome: put_text(key, r.outcome); break;
        case Dim::cause: put_text(key, v.cause().slug); break;
        case Dim::cause_detail: put_text(key, v.cause().detail); break;
        case Dim::cause_source: put_text(key, v.cause().source); break;
        case Dim::field: put_text(key, r.extra(field)); break;
        // Only calls have attempts (at least one): 0 and kNoCount stand for "not a call".
        case Dim::attempts: put<std::uint16_t>(key, r.protocol == Protocol::sip ? r.sip.attempts : 0); break;
        case Dim::auth_rounds:
            put<std::uint16_t>(key, r.protocol == Protocol::sip && r.sip.attempts > 0 ? r.sip.auth_rounds : kNoCount);
            break;
        case Dim::hangup: put_text(key, r.protocol == Protocol::sip ? r.sip.hangup : std::string_view{}); break;
        case Dim::time: put<std::int64_t>(key, v.time_bucket(spec_.time_bucket)); break;
    }
}

void Aggregator::add(const Record& r, const Classified& c, std::string_view file, TimeSyntax ts) {
    own_.set_input(file, ts);
    Derived v(r, c, own_);
    add(v);
}

void Aggregator::add(Derived& v) {
    const Record& r = v.record();
    if (spec_.heavy_capacity > 0) {
        heavy_key_.clear();
        append_dim(spec_.heavy_dim, kNoField, v, heavy_key_);
        heavy_.add(heavy_key_);
    }
    if (dense_capable_ && (!has_reason_ || r.reason.empty())) {
        ++dense_[static_cast<std::size_t>(r.protocol) * 1000 + v.code()];
        return;
    }
    key_.clear();
    append_key(v, key_);
    add_key(key_, 1);
    double seconds;
    if (spec_.duration_quantiles && record_duration_seconds(r, seconds)) {
        // Looked up first: a sketch is made only for a new group.
        const std::uint64_t h = GroupMap<DDSketch>::hash(key_);
        DDSketch* sketch = sketches_.find_hashed(key_, h);
        if (!sketch) sketch = sketches_.try_emplace_hashed(key_, h, spec_.quantile_accuracy).first;
        sketch->add(seconds);
    }
}

void Aggregator::add_key(std::string_view key, std::uint64_t n) { *map_.try_emplace(key, std::uint64_t{0}).first += n; }

void Aggregator::add_figures(const Record& r, const Classified& c, std::string_view file, TimeSyntax ts,
                             const CallFigures& figures) {
    own_.set_input(file, ts);
    Derived v(r, c, own_);
    key_.clear();
    append_key(v, key_);
    CallFigures& sums = *figures_.try_emplace(key_, CallFigures{}).first;
    for (std::size_t i = 0; i < kCallFigureCount; ++i) sums[i] += figures[i];
}

void Aggregator::merge(const Aggregator& other) {
    for (std::size_t i = 0; i < dense_.size(); ++i) dense_[i] += other.dense_[i];
    // Keys come with their hashes: merging never hashes again.
    for (const auto& e : other.map_) *map_.try_emplace_hashed(e.key(), e.hash, std::uint64_t{0}).first += e.value;
    heavy_.merge(other.heavy_);
    for (const auto& e : other.figures_) {
        auto [sums, fresh] = figures_.try_emplace_hashed(e.key(), e.hash, e.value);
        if (!fresh)
            for (std::size_t i = 0; i < kCallFigureCount; ++i) (*sums)[i] += e.value[i];
    }
    for (const auto& e : other.sketches_) {
        auto [sketch, fresh] = sketches_.try_emplace_hashed(e.key(), e.hash, e.value);
        if (!fresh) sketch->merge(e.value);
    }
}

void Aggregator::merge(Aggregator&& other) {
    for (std::size_t i = 0; i < dense_.size(); ++i) dense_[i] += other.dense_[i];
    heavy_.merge(other.heavy_);
    // The larger table takes in the smaller one, and keeps the keys where the smaller one stored them: a
    // merge of two workers' tables inserts fewer keys and copies none.
    if (other.map_.size() > map_.size()) map_.swap(other.map_);
    if (other.figures_.size() > figures_.size()) figures_.swap(other.figures_);
    if (other.sketches_.size() > sketches_.size()) sketches_.swap(other.sketches_);
    map_.absorb(std::move(other.map_), [](std::uint64_t& n, std::uint64_t more) { n += more; });
    figures_.absorb(std::move(other.figures_), [](CallFigures& sums, const CallFigures& more) {
        for (std::size_t i = 0; i < kCallFigureCount; ++i) sums[i] += more[i];
    });
    sketches_.absorb(std::move(other.sketches_), [](DDSketch& s, const DDSketch& more) { s.merge(more); });
    other.drop_counts();
}

void Aggregator::drop_counts() noexcept {
    map_.clear();
    std::fill(dense_.begin(), dense_.end(), 0);
}

std::size_t Aggregator::groups() const {
    std::size_t n = 0;
    for_each([&](std::span<const KeyValue>, std::uint64_t) { ++n; });
    return n;
}

bool Aggregator::keys_outlive_for_each() const noexcept {
    return std::all_of(dense_.begin(), dense_.end(), [](std::uint64_t n) { return n == 0; });
}

std::uint64_t Aggregator::counted() const {
    std::uint64_t n = 0;
    for (auto v : dense_) n += v;
    for (const auto& e : map_) n += e.value;
    return n;
}

KeyValue Aggregator::decode_dim(Dim d, std::string_view key, std::size_t& pos) {
    KeyValue v;
    switch (d) {
        case Dim::protocol:
            v.is_text = true;
            v.text = protocol_name(static_cast<Protocol>(get<std::uint8_t>(key, pos)));
            break;
        case Dim::klass:
            v.is_text = true;
            v.text = Derived::class_name(get<std::uint8_t>(key, pos));
            break;
        case Dim::code: v.number = get<std::uint16_t>(key, pos); break;
        case Dim::upstream_code: {
            const auto u = get<std::uint16_t>(key, pos);
            v.number = u == 0 ? kNoTime : u;
            break;
        }
        case Dim::time: v.number = get<std::int64_t>(key, pos); break;
        case Dim::attempts: {
            const auto n = get<std::uint16_t>(key, pos);
            v.number = n == 0 ? kNoTime : n;
            break;
        }
        case Dim::auth_rounds: {
            const auto n = get<std::uint16_t>(key, pos);
            v.number = n == kNoCount ? kNoTime : n;
            break;
        }
        default: {
            const auto len = get<std::uint16_t>(key, pos);
            v.is_text = true;
            v.text = key.substr(pos, len);
            pos += len;
            break;
        }
    }
    return v;
}

void Aggregator::decode(std::string_view key, std::vector<KeyValue>& out) const {
    out.clear();
    std::size_t pos = 0;
    for (Dim d : spec_.dims) out.push_back(decode_dim(d, key, pos));
}

}  // namespace logcodes
