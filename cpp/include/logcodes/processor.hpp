// The per-record step shared by file scans and streams: parse, classify, count.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "logcodes/aggregator.hpp"
#include "logcodes/classifier.hpp"
#include "logcodes/formats/format.hpp"
#include "logcodes/framer.hpp"
#include "logcodes/stats.hpp"

namespace logcodes {

class RecordProcessor {
public:
    // `format` may be nullptr (detection found nothing): every record then counts as unparsed.
    // One processor reads one contiguous piece of input: its parser keeps state between lines.
    RecordProcessor(const Format* format, Aggregator& agg, ScanStats& stats, std::uint32_t file_index,
                    std::string_view file_label, std::size_t max_samples = kDefaultMaxSamples);

    // Handles one framed line; `line_no` is its 1-based number within the numbering the caller keeps.
    void on_line(const LineEvent& ev, std::uint64_t line_no);

private:
    void sample(std::vector<Sample>& into, const LineEvent& ev, std::uint64_t line_no, std::string why);

    const Format* format_;
    std::unique_ptr<Parser> parser_;
    Aggregator& agg_;
    ScanStats& stats_;
    std::uint32_t file_index_;
    std::string_view file_;
    std::size_t max_samples_;
    Record record_;
};

}  // namespace logcodes
