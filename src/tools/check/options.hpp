// sysdist-check's options and the cluster it tests: five nodes, on 127.0.0.1-5:3001-3005
// unless --nodes names them (host names resolve when a connection opens).
#pragma once
#include <array>
#include <cstddef>
#include <string>
#include <utility>

namespace sysdist::check {

constexpr int node_count = 5;
// host:port of each node, by node number - 1; set once from --nodes before anything runs.
inline std::array<std::pair<std::string, int>, node_count>& cluster_nodes() {
  static std::array<std::pair<std::string, int>, node_count> nodes{
      {{"127.0.0.1", 3001}, {"127.0.0.2", 3002}, {"127.0.0.3", 3003}, {"127.0.0.4", 3004}, {"127.0.0.5", 3005}}};
  return nodes;
}
inline const std::string& host_of(int node) { return cluster_nodes()[node - 1].first; }
inline int port_of(int node) { return cluster_nodes()[node - 1].second; }

struct Options {
  std::string mode;  // CA, AP, CP; empty: ask the cluster
  std::string nemesis = "none";
  double duration_s = 30, fault_s = 4, heal_s = 4, settle_s = 5;
  int clients = 10, keys = 8;
  unsigned seed = 1;
  int timeout_ms = 5000;
  std::string history_file, scripts = "bin";
  std::size_t replicas = 3;  // AP's N
  std::string tag;  // prefixes keys and values: runs against one cluster never see each other's data
  std::string key(int k) const { return tag + "k" + std::to_string(k); }
};

}  // namespace sysdist::check
