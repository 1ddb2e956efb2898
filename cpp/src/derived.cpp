#include "logcodes/derived.hpp"

#include <array>

#include "logcodes/upstream.hpp"

namespace logcodes {

namespace {

const PathTemplater& builtin_templater() {
    static const PathTemplater t;
    return t;
}

constexpr std::array<std::string_view, 7> kClassNames = {"", "1xx", "2xx", "3xx", "4xx", "5xx", "6xx"};

}  // namespace

DeriveContext::DeriveContext(std::shared_ptr<const PathTemplater> paths)
    : rules_(std::move(paths)), templater_(rules_ ? rules_.get() : &builtin_templater()) {}

std::string_view Derived::class_name(std::uint8_t klass) noexcept {
    return klass < kClassNames.size() ? kClassNames[klass] : std::string_view{};
}

void Derived::template_path() {
    have_ |= kPath;
    if (r_.protocol != Protocol::http) {  // SIP request URIs are not paths: kept as written
        path_ = r_.path();
        return;
    }
    ctx_.templater_->apply(r_.path(), ctx_.path_, ctx_.path_scratch_);
    path_ = ctx_.path_;
}

void Derived::find_upstream_code() noexcept {
    have_ |= kUpstream;
    upstream_ = r_.upstream_status.empty() ? 0 : final_upstream_code(r_.upstream_status);
}

void Derived::find_cause() {
    have_ |= kCause;
    cause_ = record_cause(r_, c_.code, ctx_.cause_);
}

}  // namespace logcodes
