#include "logcodes/file_report.hpp"

#include <algorithm>

namespace logcodes {

void FileReport::add_piece(const FileReport& o) {
    if (format.empty() && detection.empty()) {
        format = o.format;
        wrapper = o.wrapper;
        detection = o.detection;
    }
    size = std::max(size, o.size);
    lines += o.lines;
    records += o.records;
    packets += o.packets;
    skipped_packets += o.skipped_packets;
    evictions += o.evictions;
    if (!error) error = o.error;
}

}  // namespace logcodes
