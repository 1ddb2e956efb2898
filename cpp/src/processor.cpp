#include "logcodes/processor.hpp"

namespace logcodes {

namespace {
bool is_blank(std::string_view s) noexcept {
    for (char c : s)
        if (c != ' ' && c != '\t' && c != '\r') return false;
    return true;
}
}  // namespace

RecordProcessor::RecordProcessor(const Format* format, Aggregator& agg, ScanStats& stats, std::uint32_t file_index,
                                 std::string_view file_label, std::size_t max_samples)
    : format_(format), parser_(format ? format->make_parser() : nullptr), agg_(agg), stats_(stats),
      file_index_(file_index), file_(file_label), max_samples_(max_samples) {}

void RecordProcessor::sample(std::vector<Sample>& into, const LineEvent& ev, std::uint64_t line_no, std::string why) {
    if (into.size() >= max_samples_) return;
    Sample s;
    s.file_index = file_index_;
    s.line = line_no;
    s.offset = ev.offset;
    s.text.assign(ev.text.substr(0, kSampleTextBytes));
    s.why = std::move(why);
    into.push_back(std::move(s));
}

void RecordProcessor::on_line(const LineEvent& ev, std::uint64_t line_no) {
    ++stats_.lines;
    if (ev.overlong) {
        ++stats_.records;
        ++stats_.unparsed;
        sample(stats_.unparsed_samples, ev, line_no, "line longer than the record limit");
        return;
    }
    if (is_blank(ev.text)) {
        ++stats_.blank;
        return;
    }
    record_.clear();
    const ParseResult pr = parser_ ? parser_->parse(ev.text, record_) : ParseResult::unparsed;
    if (pr == ParseResult::meta) {
        ++stats_.meta;
        return;
    }
    ++stats_.records;
    if (pr == ParseResult::unparsed) {
        ++stats_.unparsed;
        if (stats_.unparsed_samples.size() < max_samples_)
            sample(stats_.unparsed_samples, ev, line_no,
                   format_ ? "not a " + std::string(format_->name()) + " line" : "no known format");
        return;
    }
    const Classified c = classify(record_.protocol, record_.status);
    if (c.status == CodeStatus::invalid) {
        ++stats_.invalid;
        if (stats_.invalid_samples.size() < max_samples_)
            sample(stats_.invalid_samples, ev, line_no,
                   "status \"" + std::string(record_.status.substr(0, 32)) + "\" is not a " +
                       std::string(protocol_name(record_.protocol)) + " status code");
        return;
    }
    if (c.status == CodeStatus::unregistered) ++stats_.unregistered;
    agg_.add(record_, c, file_, format_->time_syntax());
}

}  // namespace logcodes
