#include "logcodes/record_batches.hpp"

#include <cstring>
#include <memory>
#include <string>
#include <unordered_map>

#include "logcodes/text_escape.hpp"

namespace logcodes {

namespace {

// `category`: text with few distinct values, dictionary-encoded (int32 indices into a utf8 dictionary
// per batch), which pandas reads as Categorical and polars as Categorical.
enum class Kind : std::uint8_t { text, category, int16, int64, float64, timestamp_ms };

constexpr std::string_view kColumnNames[kColumnCount] = {
    "time", "protocol", "code", "class", "reason", "method", "host", "path", "path_raw", "query", "bytes", "duration",
    "upstream_code", "cause", "file", "line"};

Kind kind_of(Column c) noexcept {
    switch (c) {
        case Column::time: return Kind::timestamp_ms;
        case Column::code:
        case Column::upstream_code: return Kind::int16;
        case Column::bytes:
        case Column::line: return Kind::int64;
        case Column::duration: return Kind::float64;
        case Column::protocol:
        case Column::klass:
        case Column::reason:
        case Column::method:
        case Column::cause:
        case Column::file: return Kind::category;
        default: return Kind::text;
    }
}

const char* arrow_format(Kind k) noexcept {
    switch (k) {
        case Kind::text: return "u";
        case Kind::category: return "i";  // the indices; the dictionary's schema says "u"
        case Kind::int16: return "s";
        case Kind::int64: return "l";
        case Kind::float64: return "g";
        case Kind::timestamp_ms: return "tsm:UTC";
    }
    return "n";
}

constexpr std::size_t kMaxTextBytes = std::size_t{1} << 30;

// A non-negative decimal ("2326", "0.512"); false for "-", empty or anything else.
bool parse_decimal(std::string_view s, std::int64_t& whole, double& value) noexcept {
    if (s.empty() || s.size() > 18) return false;
    std::int64_t w = 0;
    std::size_t i = 0;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) w = w * 10 + (s[i] - '0');
    if (i == 0) return false;
    double frac = 0, scale = 1;
    if (i < s.size()) {
        if (s[i] != '.') return false;
        for (std::size_t j = i + 1; j < s.size(); ++j) {
            if (s[j] < '0' || s[j] > '9') return false;
            scale /= 10;
            frac += (s[j] - '0') * scale;
        }
    }
    whole = w;
    value = static_cast<double>(w) + frac;
    return true;
}

double unit_seconds(DurationUnit u) noexcept {
    switch (u) {
        case DurationUnit::seconds: return 1;
        case DurationUnit::milliseconds: return 1e-3;
        case DurationUnit::microseconds: return 1e-6;
        case DurationUnit::nanoseconds: return 1e-9;
        case DurationUnit::none: return 0;
    }
    return 0;
}

}  // namespace

std::string_view column_name(Column c) noexcept { return kColumnNames[static_cast<int>(c)]; }

bool parse_column(std::string_view name, Column& out) noexcept {
    for (int i = 0; i < kColumnCount; ++i)
        if (kColumnNames[i] == name) {
            out = static_cast<Column>(i);
            return true;
        }
    return false;
}

std::vector<Column> all_columns() {
    std::vector<Column> v;
    for (int i = 0; i < kColumnCount; ++i) v.push_back(static_cast<Column>(i));
    return v;
}

// --- column storage, handed over to the exported child arrays -------------------------------------------

struct RecordBatchBuilder::ColumnData {
    explicit ColumnData(Kind k, std::size_t rows) : kind(k) {
        const std::size_t reserve = rows < 65536 ? rows : 65536;  // a huge batch_size grows as it fills
        validity.reserve(reserve / 8 + 1);
        switch (k) {
            case Kind::text: offsets.reserve(reserve + 1); offsets.push_back(0); break;
            case Kind::category: i32.reserve(reserve + 1); offsets.push_back(0); break;
            case Kind::int16: i16.reserve(reserve + 1); break;
            case Kind::int64:
            case Kind::timestamp_ms: i64.reserve(reserve + 1); break;
            case Kind::float64: f64.reserve(reserve + 1); break;
        }
    }
    Kind kind;
    std::int64_t length = 0;
    std::int64_t nulls = 0;
    std::vector<std::uint8_t> validity;  // one bit per row, least significant first
    std::vector<std::int32_t> offsets;   // text
    std::string chars;                   // text
    std::vector<std::int32_t> i32;       // category: indices into the dictionary (offsets + chars)
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view v) const noexcept { return std::hash<std::string_view>{}(v); }
    };
    std::unordered_map<std::string, std::int32_t, Hash, std::equal_to<>> index;  // category: raw value -> index
    static constexpr std::size_t kSmallDictionary = 16;
    std::vector<std::string> small;      // category: the first values, while there are few (then `index`)
    std::string last_value;              // category: the value looked up last, and its index (runs are common)
    std::int32_t last_index = -1;
    ArrowArray dictionary{};             // category: exported with the column
    std::vector<std::int16_t> i16;
    std::vector<std::int64_t> i64;
    std::vector<double> f64;
    const void* buffers[3] = {nullptr, nullptr, nullptr};

    void mark(bool valid) {
        const auto bit = static_cast<unsigned>(length & 7);
        if (bit == 0) validity.push_back(0);
        if (valid) validity.back() = static_cast<std::uint8_t>(validity.back() | (1u << bit));
        else ++nulls;
        ++length;
    }
    void text(std::string_view s, bool valid) {
        if (valid) append_escaped_text(chars, s);
        offsets.push_back(static_cast<std::int32_t>(chars.size()));
        mark(valid);
    }
    void text(std::string_view s) { text(s, !s.empty()); }
    // The index of raw value `s` in the dictionary, added when new. Small dictionaries (classes, methods)
    // are searched in order, which beats hashing them.
    std::int32_t lookup(std::string_view s) {
        last_value.assign(s);
        if (index.empty()) {
            for (std::size_t i = 0; i < small.size(); ++i)
                if (small[i] == s) return static_cast<std::int32_t>(i);
        } else if (auto it = index.find(s); it != index.end()) {
            return it->second;
        }
        append_escaped_text(chars, s);
        offsets.push_back(static_cast<std::int32_t>(chars.size()));
        const auto id = static_cast<std::int32_t>(offsets.size() - 2);
        if (index.empty() && small.size() < kSmallDictionary) {
            small.emplace_back(s);
        } else {
            if (index.empty())
                for (std::size_t i = 0; i < small.size(); ++i) index.emplace(small[i], static_cast<std::int32_t>(i));
            index.emplace(std::string(s), id);
        }
        return id;
    }
    void category(std::string_view s) {
        if (s.empty()) {
            i32.push_back(0);
            mark(false);
            return;
        }
        if (last_index < 0 || s != last_value) last_index = lookup(s);
        i32.push_back(last_index);
        mark(true);
    }
    void int16(std::int64_t v, bool valid) {
        i16.push_back(valid ? static_cast<std::int16_t>(v) : 0);
        mark(valid);
    }
    void int64(std::int64_t v, bool valid) {
        i64.push_back(valid ? v : 0);
        mark(valid);
    }
    void float64(double v, bool valid) {
        f64.push_back(valid ? v : 0.0);
        mark(valid);
    }
};

namespace {

using ColumnData = RecordBatchBuilder::ColumnData;

void release_column(ArrowArray* a) {
    if (a->dictionary && a->dictionary->release) a->dictionary->release(a->dictionary);
    delete static_cast<ColumnData*>(a->private_data);
    a->release = nullptr;
}

// A dictionary owns its values, so a consumer may move it out of its column and release it alone.
struct DictionaryData {
    std::vector<std::int32_t> offsets;
    std::string chars;
    const void* buffers[3] = {nullptr, nullptr, nullptr};
};

void release_dictionary(ArrowArray* a) {
    delete static_cast<DictionaryData*>(a->private_data);
    a->release = nullptr;
}

struct BatchData {
    std::vector<ArrowArray> children;
    std::vector<ArrowArray*> pointers;
    const void* buffers[1] = {nullptr};
};

void release_batch(ArrowArray* a) {
    auto* b = static_cast<BatchData*>(a->private_data);
    for (ArrowArray* child : b->pointers)
        if (child->release) child->release(child);
    delete b;
    a->release = nullptr;
}

void export_column(ColumnData* d, ArrowArray* out) {
    d->buffers[0] = d->nulls ? d->validity.data() : nullptr;
    std::int64_t n_buffers = 2;
    switch (d->kind) {
        case Kind::text:
            d->buffers[1] = d->offsets.data();
            d->buffers[2] = d->chars.data();
            n_buffers = 3;
            break;
        case Kind::category: {
            d->buffers[1] = d->i32.data();
            auto values = std::make_unique<DictionaryData>();
            values->offsets = std::move(d->offsets);
            values->chars = std::move(d->chars);
            values->buffers[1] = values->offsets.data();
            values->buffers[2] = values->chars.data();
            const auto n = static_cast<std::int64_t>(values->offsets.size() - 1);
            const void** buffers = values->buffers;
            d->dictionary = ArrowArray{n, 0, 0, 3, 0, buffers, nullptr, nullptr, &release_dictionary, values.release()};
            break;
        }
        case Kind::int16: d->buffers[1] = d->i16.data(); break;
        case Kind::int64:
        case Kind::timestamp_ms: d->buffers[1] = d->i64.data(); break;
        case Kind::float64: d->buffers[1] = d->f64.data(); break;
    }
    ArrowArray* dictionary = d->kind == Kind::category ? &d->dictionary : nullptr;
    *out = ArrowArray{d->length, d->nulls, 0, n_buffers, 0, d->buffers, nullptr, dictionary, &release_column, d};
}

// Child schemas own their name (and dictionary): a consumer may move a child out and release it alone.
struct ChildSchema {
    std::string name;
    ArrowSchema dictionary{};
};

void release_dictionary_schema(ArrowSchema* s) { s->release = nullptr; }

void release_child_schema(ArrowSchema* s) {
    if (s->dictionary && s->dictionary->release) s->dictionary->release(s->dictionary);
    delete static_cast<ChildSchema*>(s->private_data);
    s->release = nullptr;
}

struct SchemaData {
    std::vector<ArrowSchema> children;
    std::vector<ArrowSchema*> pointers;
};

void release_schema(ArrowSchema* s) {
    auto* d = static_cast<SchemaData*>(s->private_data);
    for (ArrowSchema* child : d->pointers)
        if (child->release) child->release(child);
    delete d;
    s->release = nullptr;
}

}  // namespace

void export_schema(const std::vector<Column>& columns, ArrowSchema* out) {
    auto d = std::make_unique<SchemaData>();
    d->children.resize(columns.size());
    for (std::size_t i = 0; i < columns.size(); ++i) {
        auto* child = new ChildSchema{std::string(column_name(columns[i])), {}};
        ArrowSchema* dictionary = nullptr;
        if (kind_of(columns[i]) == Kind::category) {
            child->dictionary = ArrowSchema{"u", nullptr, nullptr, 0, 0, nullptr, nullptr, &release_dictionary_schema,
                                            nullptr};
            dictionary = &child->dictionary;
        }
        d->children[i] = ArrowSchema{arrow_format(kind_of(columns[i])), child->name.c_str(), nullptr,
                                     ARROW_FLAG_NULLABLE, 0, nullptr, dictionary, &release_child_schema, child};
        d->pointers.push_back(&d->children[i]);
    }
    const auto n = static_cast<std::int64_t>(columns.size());
    ArrowSchema** children = d->pointers.data();
    *out = ArrowSchema{"+s", "", nullptr, 0, n, children, nullptr, &release_schema, d.release()};
}

// --- the builder ----------------------------------------------------------------------------------------

RecordBatchBuilder::RecordBatchBuilder(std::vector<Column> columns, std::size_t batch_size)
    : columns_(std::move(columns)), batch_size_(batch_size ? batch_size : 1) {
    for (Column c : columns_) data_.push_back(new ColumnData(kind_of(c), batch_size_));
}

RecordBatchBuilder::~RecordBatchBuilder() {
    for (ColumnData* d : data_) delete d;
}

bool RecordBatchBuilder::full() const noexcept {
    if (rows_ >= batch_size_) return true;
    for (const ColumnData* d : data_)
        if (d->chars.size() > kMaxTextBytes) return true;
    return false;
}

void RecordBatchBuilder::append(Derived& v, std::uint64_t line_no) {
    const Record& r = v.record();
    for (std::size_t i = 0; i < columns_.size(); ++i) {
        ColumnData& d = *data_[i];
        switch (columns_[i]) {
            case Column::time: {
                const std::int64_t ms = v.time_ms();
                d.int64(ms, ms != kNoTime);
                break;
            }
            case Column::protocol: d.category(protocol_name(v.protocol())); break;
            case Column::code: d.int16(v.code(), true); break;
            case Column::klass: d.category(v.class_name()); break;
            case Column::reason: d.category(v.reason()); break;
            case Column::method: d.category(v.method()); break;
            case Column::host: d.text(v.host()); break;
            case Column::path: d.text(v.path()); break;
            case Column::path_raw: d.text(v.path_raw()); break;
            case Column::query: {
                if (!r.query_only.empty()) {  // logged in a field of its own (W3C cs-uri-query, JSON "query")
                    d.text(r.query_only, true);
                    break;
                }
                const auto q = r.target.find('?');
                d.text(q == std::string_view::npos ? std::string_view{} : r.target.substr(q + 1),
                       q != std::string_view::npos);
                break;
            }
            case Column::bytes: {
                std::int64_t whole = 0;
                double value = 0;
                const bool ok = parse_decimal(r.bytes, whole, value) && value == static_cast<double>(whole);
                d.int64(whole, ok);
                break;
            }
            case Column::duration: {
                std::int64_t whole = 0;
                double value = 0;
                const double unit = unit_seconds(r.duration_unit);
                const bool ok = unit > 0 && parse_decimal(r.duration, whole, value);
                d.float64(value * unit, ok);
                break;
            }
            case Column::upstream_code: {
                const std::uint16_t up = v.upstream_code();
                d.int16(up, up != 0);
                break;
            }
            case Column::cause: d.category(v.cause().slug); break;
            case Column::file: d.category(v.file()); break;
            case Column::line: d.int64(static_cast<std::int64_t>(line_no), line_no != 0); break;
        }
    }
    ++rows_;
}

void RecordBatchBuilder::finish(ArrowArray* out) {
    auto batch = std::make_unique<BatchData>();
    batch->children.resize(columns_.size());
    for (std::size_t i = 0; i < columns_.size(); ++i) {
        export_column(data_[i], &batch->children[i]);  // the child now owns the column's buffers
        batch->pointers.push_back(&batch->children[i]);
        const std::size_t text_bytes = data_[i]->chars.size();
        data_[i] = new ColumnData(kind_of(columns_[i]), batch_size_);
        data_[i]->chars.reserve(text_bytes + text_bytes / 8);  // the next batch is likely alike
    }
    const auto n = static_cast<std::int64_t>(columns_.size());
    ArrowArray** children = batch->pointers.data();
    const void** buffers = batch->buffers;
    *out = ArrowArray{static_cast<std::int64_t>(rows_), 0, 0, 1, n, buffers, children, nullptr, &release_batch,
                      batch.release()};
    rows_ = 0;
}

}  // namespace logcodes
