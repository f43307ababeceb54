// Metrics: counters and latency histograms, rendered in Prometheus text format for /metrics.
// Thread-safe (the storage thread reports too); one instance per node, owned by Node.
// Labels are passed pre-formatted, e.g. R"(route="/database/:key",status="201")", and come
// from closed sets only (never raw input), so the number of series is bounded.
#pragma once
#include <array>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace sysdist {

class Metrics {
 public:
  void count(std::string_view name, std::string_view labels, double by = 1);
  void observe_seconds(std::string_view name, std::string_view labels, double seconds);
  // Prometheus exposition format, families sorted by name.
  std::string render() const;

 private:
  static constexpr std::array<double, 12> bucket_bounds{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                                        0.01,   0.025,   0.05,   0.1,   0.5,    2.5};
  struct Histogram {
    std::array<unsigned long, bucket_bounds.size()> buckets{};
    unsigned long count = 0;
    double sum = 0;
  };
  using Key = std::pair<std::string, std::string>;  // name, labels
  mutable std::mutex mutex_;
  std::map<Key, double> counters_;
  std::map<Key, Histogram> histograms_;
};

}  // namespace sysdist
