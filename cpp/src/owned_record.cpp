#include "logcodes/owned_record.hpp"

#include <cstddef>
#include <cstring>
#include <string_view>
#include <type_traits>

namespace logcodes {

namespace {

// Every view of a record, so that copying one cannot miss a field added later to only one list.
template <typename R, typename F>
void each_view(R& r, F&& f) {
    for (auto* v : {&r.status, &r.reason, &r.method, &r.target, &r.path_only, &r.query_only, &r.time, &r.time2,
                    &r.host, &r.client, &r.bytes, &r.duration, &r.upstream_status, &r.outcome, &r.cause, &r.cause_detail, &r.cause_source,
                    &r.event_text, &r.level, &r.request_id, &r.upstream, &r.detail, &r.sip.call_id, &r.sip.cseq_method,
                    &r.sip.branch, &r.sip.from_tag, &r.sip.to_tag, &r.sip.reason_header, &r.sip.warning, &r.sip.agent})
        f(*v);
    for (std::uint8_t i = 0; i < r.extra_count; ++i) f(r.extras[i].value);
}

// A record is stored as its bytes before and after the table of named fields, then the fields in use.
static_assert(std::is_trivially_copyable_v<Record> && std::is_standard_layout_v<Record>);
constexpr std::size_t kTableAt = offsetof(Record, extras);
constexpr std::size_t kAfterTable = kTableAt + sizeof(Record::extras);
constexpr std::size_t kFixed = kTableAt + (sizeof(Record) - kAfterTable);

}  // namespace

OwnedRecord::OwnedRecord(const Record& r) : extras_(r.extra_count) {
    std::size_t text = 0;
    each_view(r, [&](const std::string_view& v) { text += v.size(); });
    const std::size_t table = extras_ * sizeof(Record::Extra);
    data_ = std::make_unique<char[]>(kFixed + table + text);
    // The views are rewritten in a copy first, to point into this object's text.
    Record copy = r;
    char* at = data_.get() + kFixed + table;
    each_view(copy, [&](std::string_view& v) {
        if (v.empty()) return;
        std::memcpy(at, v.data(), v.size());
        v = std::string_view(at, v.size());
        at += v.size();
    });
    const char* bytes = reinterpret_cast<const char*>(&copy);
    std::memcpy(data_.get(), bytes, kTableAt);
    std::memcpy(data_.get() + kTableAt, bytes + kAfterTable, sizeof(Record) - kAfterTable);
    std::memcpy(data_.get() + kFixed, copy.extras.data(), table);
}

void OwnedRecord::restore(Record& out) const noexcept {
    if (!data_) return;
    char* bytes = reinterpret_cast<char*>(&out);
    std::memcpy(bytes, data_.get(), kTableAt);
    std::memcpy(bytes + kAfterTable, data_.get() + kTableAt, sizeof(Record) - kAfterTable);
    std::memcpy(out.extras.data(), data_.get() + kFixed, extras_ * sizeof(Record::Extra));
}

}  // namespace logcodes
