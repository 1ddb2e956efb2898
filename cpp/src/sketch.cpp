#include "logcodes/sketch.hpp"

#include <algorithm>
#include <cmath>

namespace logcodes {

DDSketch::DDSketch(double relative_accuracy, std::size_t max_buckets)
    : accuracy_(relative_accuracy > 0 && relative_accuracy < 1 ? relative_accuracy : kDefaultAccuracy),
      gamma_((1 + accuracy_) / (1 - accuracy_)),
      log_gamma_(std::log(gamma_)),
      max_buckets_(max_buckets < 16 ? 16 : max_buckets) {}

int DDSketch::index_of(double v) const noexcept { return static_cast<int>(std::ceil(std::log(v) / log_gamma_)); }

double DDSketch::value_of(int index) const noexcept { return 2 * std::pow(gamma_, index) / (gamma_ + 1); }

void DDSketch::add(double value, std::uint64_t n) noexcept {
    if (!(value >= 0) || n == 0 || std::isinf(value)) return;
    count_ += n;
    sum_ += value * static_cast<double>(n);
    min_ = std::min(min_, value);
    max_ = std::max(max_, value);
    if (value < kMinValue) {
        zero_ += n;
        return;
    }
    add_to_bucket(index_of(value), n);
}

void DDSketch::add_to_bucket(int index, std::uint64_t n) {
    if (buckets_.empty()) {
        offset_ = index;
        buckets_.assign(1, 0);
    } else if (index < offset_) {
        if (collapsed_ && buckets_.size() >= max_buckets_) index = offset_;  // folded into the lowest bucket
        else {
            buckets_.insert(buckets_.begin(), static_cast<std::size_t>(offset_ - index), 0);
            offset_ = index;
        }
    } else if (index >= offset_ + static_cast<int>(buckets_.size())) {
        buckets_.resize(static_cast<std::size_t>(index - offset_ + 1), 0);
    }
    buckets_[static_cast<std::size_t>(index - offset_)] += n;
    if (buckets_.size() > max_buckets_) collapse();
}

void DDSketch::collapse() {
    // Fold the lowest buckets into the lowest one kept: the high quantiles (latency tails) stay exact.
    const std::size_t extra = buckets_.size() - max_buckets_;
    std::uint64_t folded = 0;
    for (std::size_t i = 0; i <= extra; ++i) folded += buckets_[i];
    buckets_.erase(buckets_.begin(), buckets_.begin() + static_cast<std::ptrdiff_t>(extra));
    buckets_[0] = folded;
    offset_ += static_cast<int>(extra);
    collapsed_ = true;
}

bool DDSketch::merge(const DDSketch& other) {
    if (other.accuracy_ != accuracy_) return false;
    if (other.count_ == 0) return true;
    for (std::size_t i = 0; i < other.buckets_.size(); ++i)
        if (other.buckets_[i]) add_to_bucket(other.offset_ + static_cast<int>(i), other.buckets_[i]);
    zero_ += other.zero_;
    count_ += other.count_;
    sum_ += other.sum_;
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
    collapsed_ = collapsed_ || other.collapsed_;
    return true;
}

double DDSketch::quantile(double q) const noexcept {
    if (count_ == 0 || !(q >= 0 && q <= 1)) return std::numeric_limits<double>::quiet_NaN();
    // The value at rank floor(q (n - 1)), 0-based: the first bucket whose running count passes it.
    const auto rank = static_cast<std::uint64_t>(q * static_cast<double>(count_ - 1));
    std::uint64_t seen = zero_;
    if (seen > rank) return min_ < kMinValue ? min_ : 0.0;
    for (std::size_t i = 0; i < buckets_.size(); ++i) {
        seen += buckets_[i];
        if (seen > rank) return std::clamp(value_of(offset_ + static_cast<int>(i)), min_, max_);
    }
    return max_;
}

bool DDSketch::restore(int first_index, std::vector<std::uint64_t> buckets, std::uint64_t zero, double sum, double min,
                       double max, bool collapsed) {
    if (buckets.size() > max_buckets_) return false;
    std::uint64_t n = zero;
    for (auto b : buckets) n += b;
    if (n > 0 && !(min <= max)) return false;
    offset_ = first_index;
    buckets_ = std::move(buckets);
    zero_ = zero;
    count_ = n;
    sum_ = sum;
    min_ = n ? min : std::numeric_limits<double>::infinity();
    max_ = n ? max : -std::numeric_limits<double>::infinity();
    collapsed_ = collapsed;
    return true;
}

}  // namespace logcodes
