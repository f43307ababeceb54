// Cluster: five nodes of one mode in the simulated World, over the in-memory network, each
// on its own SimStore. crash(i) is a kill -9 (unsynced writes lost, pending work never
// completes); start(i) restarts the node on the same disk. Each node has its own wall
// clock (an offset from virtual time) for AP's hybrid clock.
#pragma once
#include <array>
#include <functional>
#include <memory>
#include <vector>

#include "common/metrics.hpp"
#include "node/config.hpp"
#include "node/mode.hpp"
#include "peer/memory_transport.hpp"
#include "sim/sim_store.hpp"
#include "sim/world.hpp"
#include "storage/memory_store.hpp"

namespace sysdist::sim {

// Node `self`'s config in a five-node loopback cluster of `mode` (127.0.0.1:3001 ...
// 127.0.0.5:3005), as the in-process tests and the simulator run it.
Config loopback_config(std::size_t self, const std::string& mode);

class Cluster {
 public:
  static constexpr std::size_t nodes = 5;

  using MakeMode = std::function<std::unique_ptr<Mode>(const ModeContext&, std::size_t node)>;
  // `tune` adjusts every node's config (simulation timings) before the first start; `make`
  // builds a node's mode (a checker may watch it).
  Cluster(World& world, const std::string& mode, const std::function<void(Config&)>& tune, MakeMode make);
  ~Cluster();

  void start(std::size_t i);
  void crash(std::size_t i);
  bool up(std::size_t i) const { return modes_[i] != nullptr; }
  Mode* mode(std::size_t i) const { return modes_[i].get(); }
  const Config& config(std::size_t i) const { return configs_[i]; }
  MemoryNetwork& network() { return network_; }
  SimStore& store(std::size_t i) { return *stores_[i]; }
  const MemoryStore& disk(std::size_t i) const { return disks_[i]; }
  void set_wall_offset(std::size_t i, std::int64_t ms) { wall_offset_ms_[i] = ms; }
  std::int64_t wall_offset(std::size_t i) const { return wall_offset_ms_[i]; }

 private:
  World& world_;
  MakeMode make_;
  Metrics metrics_;
  MemoryNetwork network_;
  std::array<MemoryStore, nodes> disks_;
  std::array<Config, nodes> configs_;
  std::array<std::int64_t, nodes> wall_offset_ms_{};
  std::array<std::uint64_t, nodes> incarnations_{};
  std::array<std::unique_ptr<SimStore>, nodes> stores_;
  std::array<std::unique_ptr<Transport>, nodes> transports_;
  std::array<std::unique_ptr<Mode>, nodes> modes_;
  // A crashed life is kept until the end: its suspended coroutines still refer to it.
  std::vector<std::unique_ptr<Mode>> dead_modes_;
  std::vector<std::unique_ptr<SimStore>> dead_stores_;
  std::vector<std::unique_ptr<Transport>> dead_transports_;
};

}  // namespace sysdist::sim
