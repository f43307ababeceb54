#include "tools/bench/histogram.hpp"

#include <bit>
#include <cmath>

namespace sysdist::bench {

int Histogram::bucket_of(std::uint64_t v) {
  if (v < sub_buckets) return static_cast<int>(v);
  const int exponent = std::bit_width(v) - 1;  // >= 4
  const int sub = static_cast<int>((v >> (exponent - 4)) & (sub_buckets - 1));
  return sub_buckets + (exponent - 4) * sub_buckets + sub;
}

std::uint64_t Histogram::bucket_middle(int index) {
  if (index < sub_buckets) return static_cast<std::uint64_t>(index);
  const int exponent = (index - sub_buckets) / sub_buckets + 4;
  const int sub = (index - sub_buckets) % sub_buckets;
  const std::uint64_t width = std::uint64_t{1} << (exponent - 4);
  const std::uint64_t low = (std::uint64_t{1} << exponent) + static_cast<std::uint64_t>(sub) * width;
  return low + width / 2;
}

void Histogram::record(std::uint64_t micros) {
  ++counts_[bucket_of(micros)];
  ++count_;
  if (micros > max_) max_ = micros;
}

void Histogram::merge(const Histogram& other) {
  for (int i = 0; i < buckets; ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  if (other.max_ > max_) max_ = other.max_;
}

std::uint64_t Histogram::quantile(double q) const {
  if (count_ == 0) return 0;
  const auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_)));
  std::uint64_t seen = 0;
  for (int i = 0; i < buckets; ++i) {
    seen += counts_[i];
    if (seen >= rank && counts_[i] > 0) {
      const auto middle = bucket_middle(i);
      return middle > max_ ? max_ : middle;
    }
  }
  return max_;
}

}  // namespace sysdist::bench
