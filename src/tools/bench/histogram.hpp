// Histogram: latencies in microseconds in log-spaced buckets (16 per power of two, so
// any percentile is within ~6% of the true value), constant memory whatever the count.
// Pure; one per load-generator client, merged at the end.
#pragma once
#include <array>
#include <cstdint>

namespace sysdist::bench {

class Histogram {
 public:
  void record(std::uint64_t micros);
  void merge(const Histogram& other);
  // The value at quantile q (0..1), in microseconds; 0 when empty.
  std::uint64_t quantile(double q) const;
  std::uint64_t max() const { return max_; }
  std::uint64_t count() const { return count_; }

 private:
  static constexpr int sub_buckets = 16;
  static constexpr int buckets = sub_buckets + 60 * sub_buckets;
  static int bucket_of(std::uint64_t v);
  static std::uint64_t bucket_middle(int index);

  std::array<std::uint64_t, buckets> counts_{};
  std::uint64_t count_ = 0, max_ = 0;
};

}  // namespace sysdist::bench
