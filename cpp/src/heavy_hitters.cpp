#include "logcodes/heavy_hitters.hpp"

#include <algorithm>

namespace logcodes {

HeavyHitters::HeavyHitters(std::size_t capacity) : capacity_(capacity < 1 ? 1 : capacity) {}

void HeavyHitters::add(std::string_view item, std::uint64_t n) {
    if (n == 0) return;
    total_ += n;
    auto it = counts_.find(item);
    if (it != counts_.end()) {
        it->second += n;
        return;
    }
    counts_.emplace(std::string(item), n);
    if (counts_.size() > 2 * capacity_) reduce(capacity_);
}

// Subtracts the (keep+1)-th largest count from every counter: at most `keep` stay positive.
void HeavyHitters::reduce(std::size_t keep) {
    if (counts_.size() <= keep) return;
    std::vector<std::uint64_t> values;
    values.reserve(counts_.size());
    for (const auto& kv : counts_) values.push_back(kv.second);
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(keep), values.end(),
                     std::greater<>());
    const std::uint64_t cut = values[keep];
    error_ += cut;
    for (auto it = counts_.begin(); it != counts_.end();) {
        if (it->second <= cut) {
            it = counts_.erase(it);
        } else {
            it->second -= cut;
            ++it;
        }
    }
}

void HeavyHitters::merge(const HeavyHitters& other) {
    for (const auto& [item, n] : other.counts_) {
        auto it = counts_.find(std::string_view(item));
        if (it != counts_.end()) it->second += n;
        else counts_.emplace(item, n);
    }
    total_ += other.total_;
    error_ += other.error_;
    capacity_ = std::min(capacity_, other.capacity_);
    if (counts_.size() > 2 * capacity_) reduce(capacity_);
}

HeavyHitters::Top HeavyHitters::top() const {
    // Up to 2x capacity counters may be held: reduce a copy so the listed ones carry the guarantee.
    HeavyHitters reduced = *this;
    reduced.reduce(capacity_);
    Top out;
    out.error = reduced.error_;
    out.entries.reserve(reduced.counts_.size());
    for (const auto& [item, n] : reduced.counts_) out.entries.push_back(Entry{item, n});
    std::sort(out.entries.begin(), out.entries.end(), [](const Entry& a, const Entry& b) {
        return a.count != b.count ? a.count > b.count : a.item < b.item;
    });
    return out;
}

}  // namespace logcodes
