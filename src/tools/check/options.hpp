// sysdist-check's options and the cluster it tests: five nodes on 127.0.0.1-5:3001-3005.
#pragma once
#include <cstddef>
#include <string>

namespace sysdist::check {

constexpr int node_count = 5;
inline std::string host_of(int node) { return "127.0.0." + std::to_string(node); }
inline int port_of(int node) { return 3000 + node; }

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
