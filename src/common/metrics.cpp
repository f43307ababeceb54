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
// Every family's # HELP line (Prometheus convention); families are named in code only.
std::string_view help_for(std::string_view family) {
  static constexpr std::pair<std::string_view, std::string_view> help[] = {
      {"sysdist_http_requests_total", "HTTP requests answered, by route, method and status"},
      {"sysdist_http_request_seconds", "Time to answer an HTTP request, by route and method"},
      {"sysdist_http_connections_evicted_total", "Idle connections closed to make room in a full budget, by kind"},
      {"sysdist_http_connections_refused_total", "Connections refused with a full budget and none idle, by kind"},
      {"sysdist_http_accept_errors_total", "Accepts that failed for lack of descriptors or memory (then a pause)"},
      {"sysdist_peer_calls_total", "Calls made to each peer, by outcome"},
      {"sysdist_peer_batches_total", "Batches of peer calls sent as one /peer/batch request"},
      {"sysdist_peer_batched_calls_total", "Peer calls that travelled inside a batch"},
      {"sysdist_storage_batches_total", "Group-commit writes made by the storage thread"},
      {"sysdist_storage_batched_commits_total", "Commits that shared those writes"},
      {"sysdist_storage_mutations_total", "Keys written or deleted by those writes"},
      {"sysdist_storage_fsync_seconds", "Time of each synced storage write"},
      {"sysdist_storage_full_total", "Times the disk was found full (writes then answer 507 until space returns)"},
      {"sysdist_2pc_transactions_total", "Two-phase-commit transactions coordinated here, by outcome"},
      {"sysdist_ap_writes_total", "AP writes coordinated here, by outcome"},
      {"sysdist_ap_read_repairs_total", "Stale replicas repaired after a read"},
      {"sysdist_ap_anti_entropy_bytes_total", "Bytes received in anti-entropy exchanges"},
      {"sysdist_ap_anti_entropy_keys_total", "Keys moved by anti-entropy, by direction"},
      {"sysdist_ap_hints_dropped_total", "Hints dropped because a target refused them or held too many"},
  };
  for (auto& [name, text] : help)
    if (name == family) return text;
  return "sysdist metric";
}

void family_header(std::ostringstream& out, const std::string& family, const char* type) {
  out << "# HELP " << family << ' ' << help_for(family) << "\n# TYPE " << family << ' ' << type << '\n';
}

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
    if (key.first != family) family_header(out, family = key.first, "counter");
    out << key.first << with_labels(key.second) << ' ' << value << '\n';
  }
  for (const auto& [key, h] : histograms_) {
    if (key.first != family) family_header(out, family = key.first, "histogram");
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
