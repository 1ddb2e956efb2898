#include "logcodes/stats.hpp"

#include <algorithm>
#include <tuple>

namespace logcodes {

namespace {
void merge_samples(std::vector<Sample>& into, const std::vector<Sample>& from, std::size_t max,
                   const std::vector<std::uint32_t>* file_map) {
    const std::size_t first = into.size();
    into.insert(into.end(), from.begin(), from.end());
    if (file_map)
        for (std::size_t i = first; i < into.size(); ++i)
            if (into[i].file_index < file_map->size()) into[i].file_index = (*file_map)[into[i].file_index];
    // By offset before line: offsets are exact in every piece of a file, line numbers are 0 past its first
    // piece. The text decides between samples with no place (calls: by Call-ID).
    std::sort(into.begin(), into.end(), [](const Sample& a, const Sample& b) {
        return std::tie(a.file_index, a.offset, a.line, a.text) < std::tie(b.file_index, b.offset, b.line, b.text);
    });
    if (into.size() > max) into.resize(max);
}
}  // namespace

void ScanStats::merge(const ScanStats& o, std::size_t max_samples, const std::vector<std::uint32_t>* file_map) {
#define LOGCODES_ADD_COUNTER(name, what) name += o.name;
    LOGCODES_SCAN_COUNTERS(LOGCODES_ADD_COUNTER)
#undef LOGCODES_ADD_COUNTER
#define LOGCODES_MERGE_SAMPLES(name, what) merge_samples(name, o.name, max_samples, file_map);
    LOGCODES_SCAN_SAMPLES(LOGCODES_MERGE_SAMPLES)
#undef LOGCODES_MERGE_SAMPLES
}

}  // namespace logcodes
