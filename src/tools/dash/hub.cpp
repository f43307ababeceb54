#include "tools/dash/hub.hpp"

#include <algorithm>
#include <filesystem>
#include <vector>

#include <boost/json/serialize.hpp>

namespace sysdist::dash {

namespace {
// A session's recording stops at this size (about an hour of a busy five-node cluster).
constexpr std::uint64_t max_record_bytes = 256ull << 20;

std::string session_name() {
  const auto now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char text[32];
  std::strftime(text, sizeof text, "session-%Y%m%d-%H%M%S.jsonl", &local);
  return text;
}

// Keeps the newest `keep` recordings in `dir`, before a new one starts.
void prune(const std::filesystem::path& dir, std::size_t keep) {
  std::vector<std::filesystem::path> sessions;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.path().extension() == ".jsonl") sessions.push_back(entry.path());
  std::sort(sessions.begin(), sessions.end());  // names sort by time
  while (sessions.size() >= keep && !sessions.empty()) {
    std::error_code ignored;
    std::filesystem::remove(sessions.front(), ignored);
    sessions.erase(sessions.begin());
  }
}
}  // namespace

Hub::Hub(std::string mode, const std::string& record_dir, std::size_t keep_recordings) : mode_(std::move(mode)) {
  std::error_code ec;
  std::filesystem::create_directories(record_dir, ec);
  if (!ec) {
    prune(record_dir, keep_recordings);
    recording_path_ = (std::filesystem::path(record_dir) / session_name()).string();
    recording_.open(recording_path_);
  }
  faults_ = boost::json::object{};
}

void Hub::publish(int node, std::string_view type, boost::json::value data) {
  if (type == "snapshot" || type == "state") {
    status_[node] = data.is_object() ? data.as_object() : boost::json::object{};
    if (auto mode = status_[node].if_contains("mode"); mode && mode->is_string() && mode->as_string().size() <= 8)
      mode_ = std::string(mode->as_string());  // the cluster's mode, as its nodes tell it
  }
  if (type == "feed") feed_[node] = data;
  if (type == "faults") faults_ = data;
  boost::json::object event{{"type", type}, {"node", node}, {"t", wall_ms_now()}, {"data", std::move(data)}};
  if (recording_.is_open()) {
    const auto line = boost::json::serialize(event);
    recorded_bytes_ += line.size() + 1;
    if (recorded_bytes_ > max_record_bytes) {
      recording_ << R"({"type":"note","node":0,"t":)" << wall_ms_now()
                 << R"(,"data":{"text":"recording stopped: the session reached its size limit"}})" << '\n';
      recording_.close();
    } else {
      recording_ << line << '\n';
    }
  }
  bus_.publish("ev", event);
}

boost::json::object Hub::snapshot() const {
  boost::json::array nodes;
  for (int n = 1; n <= node_count; ++n) {
    boost::json::object node{{"node", n}};
    if (auto it = status_.find(n); it != status_.end()) node["status"] = it->second;
    if (auto it = feed_.find(n); it != feed_.end()) node["feed"] = it->second;
    nodes.push_back(std::move(node));
  }
  return {{"mode", mode_}, {"nodes", std::move(nodes)}, {"faults", faults_}, {"t", wall_ms_now()}};
}

long Hub::pid_of(int node) const {
  auto it = status_.find(node);
  if (it == status_.end()) return 0;
  auto pid = it->second.if_contains("pid");
  return pid && pid->is_int64() ? static_cast<long>(pid->as_int64()) : 0;
}

}  // namespace sysdist::dash
