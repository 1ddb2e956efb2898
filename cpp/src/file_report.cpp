#include "logcodes/file_report.hpp"

#include <algorithm>

namespace logcodes {

void FileReport::add_piece(const FileReport& o) {
    if (format.empty() && detection.empty()) {
        format = o.format;
        wrapper = o.wrapper;
        detection = o.detection;
        confidence = o.confidence;
    }
    size = std::max(size, o.size);
    lines += o.lines;
    records += o.records;
    packets += o.packets;
    skipped_packets += o.skipped_packets;
    evictions += o.evictions;
    if (!error) error = o.error;
    for (const FormatChange& c : o.changes) add_change(c);
}

void FileReport::add_change(FormatChange c) {
    const FormatChange* last = changes.empty() ? nullptr : &changes.back();
    if (c.format == format_now() && c.wrapper == (last ? last->wrapper : wrapper)) return;
    changes.push_back(std::move(c));
}

}  // namespace logcodes
