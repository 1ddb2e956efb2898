#include "logcodes/owned_record.hpp"

#include <cstring>
#include <functional>
#include <string_view>
#include <vector>

namespace logcodes {

namespace {

// Every view of a record, so that copying one cannot miss a field added later to only one list.
template <typename R, typename F>
void each_view(R& r, F&& f) {
    for (auto* v : {&r.status, &r.reason, &r.method, &r.target, &r.path_only, &r.time, &r.time2, &r.host, &r.client,
                    &r.bytes, &r.duration, &r.upstream_status, &r.outcome, &r.cause, &r.cause_detail, &r.cause_source,
                    &r.event_text, &r.level, &r.request_id, &r.upstream, &r.detail, &r.sip.call_id, &r.sip.cseq_method,
                    &r.sip.branch, &r.sip.from_tag, &r.sip.to_tag, &r.sip.reason_header, &r.sip.warning, &r.sip.agent})
        f(*v);
    for (std::uint8_t i = 0; i < r.extra_count; ++i) f(r.extras[i].value);
}

}  // namespace

OwnedRecord::OwnedRecord(const Record& r) : record_(r) {
    std::size_t size = 0;
    each_view(record_, [&](std::string_view& v) { size += v.size(); });
    text_ = std::make_unique<char[]>(size + 1);
    char* at = text_.get();
    each_view(record_, [&](std::string_view& v) {
        if (v.empty()) return;
        std::memcpy(at, v.data(), v.size());
        v = std::string_view(at, v.size());
        at += v.size();
    });
}

}  // namespace logcodes
