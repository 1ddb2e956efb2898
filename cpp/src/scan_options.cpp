#include "logcodes/scan_options.hpp"

#include <stdexcept>

namespace logcodes {

FormatChoice FormatChoice::named(std::string_view name, Error& err) {
    if (name == "auto") return {};
    if (const Format* f = find_format(name)) return FormatChoice(FormatPtr(f, [](const Format*) {}));  // never freed
    err.kind = ErrorKind::bad_argument;
    err.message = "unknown format '" + std::string(name) + "'; valid formats: auto";
    for (auto n : format_names()) err.message += ", " + std::string(n);
    return {};
}

std::string FormatChoice::name() const { return format_ ? std::string(format_->name()) : std::string("auto"); }

ScanOptions options_for(std::string_view format, GroupSpec group, CountLevel level, std::size_t max_record,
                        std::size_t max_samples) {
    ScanOptions o;
    Error err;
    o.format = FormatChoice::named(format, err);
    if (err) throw std::invalid_argument(err.message);
    o.group = std::move(group);
    o.count_level = level;
    o.max_record = max_record;
    o.max_samples = max_samples;
    return o;
}

Error check_options(const ScanOptions& o) {
    Error e;
    e.kind = ErrorKind::bad_argument;
    if (o.block_size == 0 || o.block_size > (1u << 30)) {
        e.message = "block_size must be between 1 byte and 1 GiB";
        return e;
    }
    if (o.max_record == 0) {
        e.message = "max_record must be positive";
        return e;
    }
    if (o.group.time_bucket <= 0 || o.event_group.time_bucket <= 0) {
        e.message = "the time bucket must be at least one second";
        return e;
    }
    if (o.max_events == 0) {
        e.message = "max_events must be at least 1";
        return e;
    }
    if (o.byte_range && o.byte_range->second < o.byte_range->first) {
        e.message = "byte_range must be (begin, end) with begin <= end";
        return e;
    }
    return {};
}

}  // namespace logcodes
