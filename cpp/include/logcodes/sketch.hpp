// DDSketch (Masson, Rim, Lee, VLDB 2019): quantiles of positive values with a relative-error guarantee.
//
// Values fall into logarithmic buckets [gamma^(i-1), gamma^i) with gamma = (1 + a) / (1 - a); a bucket is
// reported as the point 2 gamma^i / (gamma + 1), within a relative error `a` of every value in it. So
// quantile(q) is within `a` of the exact value at rank floor(q (n - 1)) (numpy's method="lower").
// Sketches with the same accuracy merge by adding bucket counts: associative, commutative, exact.
// Memory is bounded: beyond `max_buckets` the lowest buckets are folded together (only the smallest
// values lose their guarantee; at 1 % and 2048 buckets that needs values spanning 17 decades).
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

namespace logcodes {

class DDSketch {
public:
    static constexpr double kDefaultAccuracy = 0.01;
    static constexpr std::size_t kDefaultMaxBuckets = 2048;
    static constexpr double kMinValue = 1e-9;  // smaller values (and zero) are counted as zero

    explicit DDSketch(double relative_accuracy = kDefaultAccuracy, std::size_t max_buckets = kDefaultMaxBuckets);

    void add(double value, std::uint64_t n = 1) noexcept;  // negative and NaN values are ignored
    // Adds the other sketch's counts; false (and nothing changes) when the accuracies differ.
    bool merge(const DDSketch& other);
    // The q-quantile (0 <= q <= 1); NaN when empty.
    double quantile(double q) const noexcept;

    double relative_accuracy() const noexcept { return accuracy_; }
    std::size_t max_buckets() const noexcept { return max_buckets_; }
    std::uint64_t count() const noexcept { return count_; }
    double sum() const noexcept { return sum_; }
    double min() const noexcept { return min_; }
    double max() const noexcept { return max_; }
    bool collapsed() const noexcept { return collapsed_; }

    // State for serialisation: first bucket index, bucket counts, zero count.
    int first_index() const noexcept { return offset_; }
    const std::vector<std::uint64_t>& buckets() const noexcept { return buckets_; }
    std::uint64_t zero_count() const noexcept { return zero_; }
    // Rebuilds a sketch from that state; false if it is inconsistent.
    bool restore(int first_index, std::vector<std::uint64_t> buckets, std::uint64_t zero, double sum, double min,
                 double max, bool collapsed);

private:
    int index_of(double v) const noexcept;
    double value_of(int index) const noexcept;
    void add_to_bucket(int index, std::uint64_t n);
    void collapse();

    double accuracy_;
    double gamma_;
    double log_gamma_;
    std::size_t max_buckets_;
    int offset_ = 0;                      // bucket index of buckets_[0]
    std::vector<std::uint64_t> buckets_;
    std::uint64_t zero_ = 0;
    std::uint64_t count_ = 0;
    double sum_ = 0;
    double min_ = std::numeric_limits<double>::infinity();
    double max_ = -std::numeric_limits<double>::infinity();
    bool collapsed_ = false;
};

}  // namespace logcodes
