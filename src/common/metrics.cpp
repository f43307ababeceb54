#include "common/metrics.hpp"

#include <sstream>

namespace sysdist {

void Metrics::count(std::string_view name, std::string_view labels, double by) {
  std::lock_guard lock(mutex_);
  counters_[Key(name, labels)] += by;
}

void Metrics::observe_seconds(std::string_view name, std::string_view labels, double seconds) {
  std::lock_guard lock(mutex_);
  auto& h = histograms_[Key(name, labels)];
  for (std::size_t i = 0; i < bucket_bounds.size(); ++i)
    if (seconds <= bucket_bounds[i]) ++h.buckets[i];
  ++h.count;
  h.sum += seconds;
}

namespace {
std::string with_labels(const std::string& labels, const std::string& extra = {}) {
  std::string all = labels;
  if (!extra.empty()) all += (all.empty() ? "" : ",") + extra;
  return all.empty() ? "" : "{" + all + "}";
}
}  // namespace

std::string Metrics::render() const {
  std::lock_guard lock(mutex_);
  std::ostringstream out;
  std::string family;
  for (const auto& [key, value] : counters_) {
    if (key.first != family) out << "# TYPE " << (family = key.first) << " counter\n";
    out << key.first << with_labels(key.second) << ' ' << value << '\n';
  }
  for (const auto& [key, h] : histograms_) {
    if (key.first != family) out << "# TYPE " << (family = key.first) << " histogram\n";
    for (std::size_t i = 0; i < bucket_bounds.size(); ++i) {
      std::ostringstream le;
      le << "le=\"" << bucket_bounds[i] << '"';
      out << key.first << "_bucket" << with_labels(key.second, le.str()) << ' ' << h.buckets[i] << '\n';
    }
    out << key.first << "_bucket" << with_labels(key.second, "le=\"+Inf\"") << ' ' << h.count << '\n';
    out << key.first << "_sum" << with_labels(key.second) << ' ' << h.sum << '\n';
    out << key.first << "_count" << with_labels(key.second) << ' ' << h.count << '\n';
  }
  return out.str();
}

}  // namespace sysdist
