#include "logcodes/stats.hpp"

#include <algorithm>
#include <tuple>

namespace logcodes {

namespace {
void merge_samples(std::vector<Sample>& into, const std::vector<Sample>& from, std::size_t max) {
    into.insert(into.end(), from.begin(), from.end());
    std::sort(into.begin(), into.end(), [](const Sample& a, const Sample& b) {
        // The text decides between samples with no line (calls: by Call-ID), whichever table held them first.
        return std::tie(a.file_index, a.line, a.offset, a.text) < std::tie(b.file_index, b.line, b.offset, b.text);
    });
    if (into.size() > max) into.resize(max);
}
}  // namespace

void ScanStats::merge(const ScanStats& o, std::size_t max_samples) {
    lines += o.lines;
    blank += o.blank;
    meta += o.meta;
    records += o.records;
    filtered += o.filtered;
    unparsed += o.unparsed;
    invalid += o.invalid;
    unregistered += o.unregistered;
    requests += o.requests;
    retransmissions += o.retransmissions;
    calls += o.calls;
    call_responses += o.call_responses;
    incomplete_calls += o.incomplete_calls;
    inconsistent_calls += o.inconsistent_calls;
    calls_without_invite += o.calls_without_invite;
    registrations_without_request += o.registrations_without_request;
    events += o.events;
    explained += o.explained;
    unexplained += o.unexplained;
    joined_by_id += o.joined_by_id;
    joined_by_path += o.joined_by_path;
    joined_by_time += o.joined_by_time;
    bytes += o.bytes;
    merge_samples(unparsed_samples, o.unparsed_samples, max_samples);
    merge_samples(invalid_samples, o.invalid_samples, max_samples);
    merge_samples(inconsistent_samples, o.inconsistent_samples, max_samples);
    merge_samples(unexplained_samples, o.unexplained_samples, max_samples);
    merge_samples(without_request_samples, o.without_request_samples, max_samples);
}

}  // namespace logcodes
