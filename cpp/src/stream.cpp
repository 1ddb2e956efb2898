#include "logcodes/stream.hpp"

#include <stdexcept>

#include "logcodes/formats/envelope.hpp"

namespace logcodes {

StreamScanner::StreamScanner(const ScanOptions& options, std::string label)
    : label_(std::move(label)), counts_(options.group), framer_(64 * 1024, options.max_record),
      filter_(options.filter), max_samples_(options.max_samples), level_(options.count_level) {
    if (!options.format.is_auto()) {
        owned_format_ = options.format.shared();
        detection_ = "given";
        use_format(owned_format_.get());
    }
}

void StreamScanner::use_format(const Format* f) {
    format_ = f;
    format_known_ = true;
    format_name_ = format_label(f);
    wrapper_name_ = wrapper_label(f);
    processor_ = std::make_unique<RecordProcessor>(format_, counts_, stats_, 0, label_, max_samples_, level_);
    processor_->set_filter(filter_.get());
}

void StreamScanner::decide_format(bool at_end) {
    Detection d = sample_.finish(at_end);
    sample_ = DetectSample{};
    detection_ = d.explanation;
    use_format(d.format);
    std::string held = std::move(head_);
    head_.clear();
    feed_locked(held);
}

void StreamScanner::feed(std::string_view bytes) {
    std::lock_guard lock(mu_);
    feed_locked(bytes);
}

void StreamScanner::feed_locked(std::string_view bytes) {
    if (!format_known_) {
        // A file scan samples at most kDetectReadBytes: the same bytes here give the same detection.
        const std::size_t room = kDetectReadBytes - head_.size();
        const bool complete = sample_.feed(bytes.substr(0, room));
        head_.append(bytes);
        if (complete || head_.size() >= kDetectReadBytes) decide_format(false);
        return;
    }
    stats_.bytes += bytes.size();
    fed_ += bytes.size();
    framer_.feed(bytes, [&](const LineEvent& ev) {
        processor_->on_line(ev, ++line_no_);
        return true;
    });
}

std::uint64_t StreamScanner::committed() const {
    std::lock_guard lock(mu_);
    if (!format_known_) return 0;  // everything is still held back for detection
    if (const auto open = processor_->open_record_offset()) return *open;
    return fed_ - framer_.pending();
}

std::pair<Aggregator, ScanStats> StreamScanner::take(std::int64_t idle_ms) {
    std::lock_guard lock(mu_);
    if (level_ == CountLevel::calls && processor_ && !finished_)
        count_calls(processor_->take_ended_calls(kCallLingerMs, kCallTimeoutMs, idle_ms), counts_, stats_, {label_});
    // The processor refers to these two members: they are replaced in place, never re-seated.
    std::pair<Aggregator, ScanStats> out{std::move(counts_), std::move(stats_)};
    counts_ = Aggregator(out.first.spec());
    stats_ = ScanStats{};
    return out;
}

std::size_t StreamScanner::open_calls() const {
    std::lock_guard lock(mu_);
    return processor_ && !finished_ ? processor_->calls().size() : 0;
}

std::pair<Aggregator, ScanStats> StreamScanner::snapshot() const {
    std::lock_guard lock(mu_);
    return {counts_, stats_};
}

std::string StreamScanner::format_name() const {
    std::lock_guard lock(mu_);
    return format_name_;
}

std::string StreamScanner::wrapper_name() const {
    std::lock_guard lock(mu_);
    return wrapper_name_;
}

std::string StreamScanner::detection() const {
    std::lock_guard lock(mu_);
    return detection_;
}

void StreamScanner::finish() {
    std::lock_guard lock(mu_);
    if (!format_known_) decide_format(true);
    framer_.finish([&](const LineEvent& ev) {
        processor_->on_line(ev, ++line_no_);
        return true;
    });
    if (finished_) return;
    finished_ = true;
    processor_->finish();
    if (level_ == CountLevel::calls) count_calls(processor_->calls(), counts_, stats_, {label_});
}

}  // namespace logcodes
