#include "logcodes/aggregator.hpp"

#include <array>
#include <cstring>

#include "logcodes/causes.hpp"
#include "logcodes/duration.hpp"
#include "logcodes/severity.hpp"
#include "logcodes/time.hpp"

namespace logcodes {

namespace {

constexpr std::array<std::string_view, kDimCount + 1> kDimNames = {
    "protocol", "class", "code", "reason", "method", "host", "path", "file", "time", "upstream_code", "outcome", "cause",
    "cause_detail", "cause_source", "path_raw", "level", "attempts", "auth_rounds", "hangup", "field"};
constexpr std::array<std::string_view, 7> kClassLabels = {"", "1xx", "2xx", "3xx", "4xx", "5xx", "6xx"};
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

const PathTemplater& builtin_templater() {
    static const PathTemplater t;
    return t;
}

}  // namespace

std::string_view dim_name(Dim d) noexcept { return kDimNames[static_cast<std::size_t>(d)]; }

std::uint16_t final_upstream_code(std::string_view list) noexcept {
    // Scan back to the last run of three digits standing alone.
    std::size_t end = list.size();
    while (end > 0) {
        while (end > 0 && !(list[end - 1] >= '0' && list[end - 1] <= '9')) {
            const char c = list[end - 1];
            if (c != ' ' && c != ',' && c != ':' && c != '-') return 0;  // not a status list
            --end;
        }
        std::size_t begin = end;
        while (begin > 0 && list[begin - 1] >= '0' && list[begin - 1] <= '9') --begin;
        if (end - begin == 3 && (begin == 0 || list[begin - 1] == ' ' || list[begin - 1] == ',' || list[begin - 1] == ':'))
            return static_cast<std::uint16_t>((list[begin] - '0') * 100 + (list[begin + 1] - '0') * 10 + (list[begin + 2] - '0'));
        return 0;
    }
    return 0;
}

bool parse_dim(std::string_view name, Dim& out) noexcept {
    for (std::size_t i = 0; i < kDimCount; ++i) {
        if (kDimNames[i] == name) {
            out = static_cast<Dim>(i);
            return true;
        }
    }
    return false;
}

Aggregator::Aggregator(GroupSpec spec) : spec_(std::move(spec)), dense_capable_(true) {
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

void Aggregator::append_key(const Record& r, const Classified& c, std::string_view file, TimeSyntax ts,
                            std::string& key) const {
    std::size_t field_index = 0;
    for (Dim d : spec_.dims) {
        FieldId id = kNoField;
        if (d == Dim::field) {
            id = field_index < spec_.fields.size() ? spec_.fields[field_index] : kNoField;
            ++field_index;
        }
        append_dim(d, id, r, c, file, ts, key);
    }
}

void Aggregator::append_dim(Dim d, FieldId field, const Record& r, const Classified& c, std::string_view file,
                            TimeSyntax ts, std::string& key) const {
    switch (d) {
        case Dim::protocol: put<std::uint8_t>(key, static_cast<std::uint8_t>(r.protocol)); break;
        case Dim::klass: put<std::uint8_t>(key, static_cast<std::uint8_t>(c.code / 100)); break;
        case Dim::code: put<std::uint16_t>(key, c.code); break;
        case Dim::reason:
            put_text(key, !r.reason.empty() ? r.reason : (c.entry ? c.entry->reason : std::string_view{}));
            break;
        case Dim::method: put_text(key, r.method); break;
        case Dim::host: put_text(key, r.host); break;
        case Dim::path:
            if (r.protocol != Protocol::http) {  // SIP request URIs are not paths: kept as written
                put_text(key, r.path());
                break;
            }
            (spec_.paths ? *spec_.paths : builtin_templater()).apply(r.path(), path_, path_scratch_);
            put_text(key, path_);
            break;
        case Dim::path_raw: put_text(key, r.path()); break;
        case Dim::level: put_text(key, severity(r.level)); break;
        case Dim::file: put_text(key, file); break;
        case Dim::upstream_code: put<std::uint16_t>(key, final_upstream_code(r.upstream_status)); break;
        case Dim::outcome: put_text(key, r.outcome); break;
        case Dim::cause: put_text(key, record_cause(r, c.code, cause_).slug); break;
        case Dim::cause_detail: put_text(key, record_cause(r, c.code, cause_).detail); break;
        case Dim::cause_source: put_text(key, record_cause(r, c.code, cause_).source); break;
        case Dim::field: put_text(key, r.extra(field)); break;
        // Only calls have attempts (at least one): 0 and kNoCount stand for "not a call".
        case Dim::attempts: put<std::uint16_t>(key, r.protocol == Protocol::sip ? r.sip.attempts : 0); break;
        case Dim::auth_rounds:
            put<std::uint16_t>(key, r.protocol == Protocol::sip && r.sip.attempts > 0 ? r.sip.auth_rounds : kNoCount);
            break;
        case Dim::hangup: put_text(key, r.protocol == Protocol::sip ? r.sip.hangup : std::string_view{}); break;
        case Dim::time: {
            std::int64_t t = record_time(r.time_syntax != TimeSyntax::none ? r.time_syntax : ts, r.time, r.time2);
            if (t != kNoTime) {
                const std::int64_t b = spec_.time_bucket;
                t = (t >= 0 ? t / b : (t - b + 1) / b) * b;  // floor, also before 1970
            }
            put<std::int64_t>(key, t);
            break;
        }
    }
}

void Aggregator::add(const Record& r, const Classified& c, std::string_view file, TimeSyntax ts) {
    if (spec_.heavy_capacity > 0) {
        heavy_key_.clear();
        append_dim(spec_.heavy_dim, kNoField, r, c, file, ts, heavy_key_);
        heavy_.add(heavy_key_);
    }
    if (dense_capable_ && (!has_reason_ || r.reason.empty())) {
        ++dense_[static_cast<std::size_t>(r.protocol) * 1000 + c.code];
        return;
    }
    key_.clear();
    append_key(r, c, file, ts, key_);
    add_key(key_, 1);
    double seconds;
    if (spec_.duration_quantiles && record_duration_seconds(r, seconds)) {
        auto it = sketches_.find(std::string_view(key_));
        if (it == sketches_.end()) it = sketches_.emplace(key_, DDSketch(spec_.quantile_accuracy)).first;
        it->second.add(seconds);
    }
}

void Aggregator::add_key(const std::string& key, std::uint64_t n) {
    auto it = map_.find(std::string_view(key));
    if (it != map_.end()) {
        it->second += n;
    } else {
        map_.emplace(key, n);
    }
}

void Aggregator::add_figures(const Record& r, const Classified& c, std::string_view file, TimeSyntax ts,
                             const CallFigures& figures) {
    key_.clear();
    append_key(r, c, file, ts, key_);
    auto it = figures_.find(std::string_view(key_));
    if (it == figures_.end()) it = figures_.emplace(key_, CallFigures{}).first;
    for (std::size_t i = 0; i < kCallFigureCount; ++i) it->second[i] += figures[i];
}

void Aggregator::merge(const Aggregator& other) {
    for (std::size_t i = 0; i < dense_.size(); ++i) dense_[i] += other.dense_[i];
    for (const auto& [k, n] : other.map_) add_key(k, n);
    heavy_.merge(other.heavy_);
    for (const auto& [k, figures] : other.figures_) {
        auto [it, fresh] = figures_.try_emplace(k, figures);
        if (!fresh)
            for (std::size_t i = 0; i < kCallFigureCount; ++i) it->second[i] += figures[i];
    }
    for (const auto& [k, sketch] : other.sketches_) {
        auto it = sketches_.find(std::string_view(k));
        if (it == sketches_.end()) sketches_.emplace(k, sketch);
        else it->second.merge(sketch);
    }
}

std::size_t Aggregator::groups() const {
    std::size_t n = 0;
    for_each([&](std::span<const KeyValue>, std::uint64_t) { ++n; });
    return n;
}

std::uint64_t Aggregator::counted() const {
    std::uint64_t n = 0;
    for (auto v : dense_) n += v;
    for (const auto& kv : map_) n += kv.second;
    return n;
}

KeyValue Aggregator::decode_dim(Dim d, std::string_view key, std::size_t& pos) {
    KeyValue v;
    switch (d) {
        case Dim::protocol:
            v.is_text = true;
            v.text = protocol_name(static_cast<Protocol>(get<std::uint8_t>(key, pos)));
            break;
        case Dim::klass: {
            const auto k = get<std::uint8_t>(key, pos);
            v.is_text = true;
            v.text = k < kClassLabels.size() ? kClassLabels[k] : std::string_view{};
            break;
        }
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
