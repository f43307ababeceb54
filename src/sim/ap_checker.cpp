// AP on the simulator. After every instant, the newest version of each key stored on any
// node is noted. At the end, after anti-entropy and hint handoff have had time: every
// replica of a key holds the same record (convergence), no hint is left anywhere (all
// delivered), and each key ends at the newest version ever stored, so every acknowledged
// write is kept or superseded by a newer version, and a deleted key stays deleted (a
// tombstone collected before every replica had it would let an older value come back).
#include <map>

#include "modes/ap/ring.hpp"
#include "modes/ap/version.hpp"
#include "sim/checkers.hpp"

namespace sysdist::sim {

namespace {

class ApChecker final : public ModeChecker {
 public:
  void tune(Config& c) const override {
    c.rpc_timeout = std::chrono::milliseconds(100);
    c.anti_entropy_interval = std::chrono::milliseconds(400);
    c.tombstone_grace = std::chrono::milliseconds(1000);
  }
  Workload workload() const override {
    Workload w;
    w.reads = 3, w.writes = 4, w.deletes = 1;
    return w;
  }

  void after_step(Cluster& cluster) override {
    for (std::size_t i = 0; i < Cluster::nodes; ++i)
      cluster.disk(i).for_each(Keyspace::data, [&](std::string_view key, std::string_view text) {
        auto record = ap::decode(text);
        if (!record) throw Violation("node " + std::to_string(i + 1) + " stores an undecodable record");
        auto [it, fresh] = newest_.emplace(std::string(key), *record);
        if (!fresh && it->second.version < record->version) it->second = *record;
      });
  }

  void finish(World& world, Cluster& cluster, Clients& clients) override {
    const auto check = [&] { after_step(cluster); };
    std::string why;
    for (int waited = 0; waited < 100; ++waited) {
      why = unsettled(cluster);
      if (why.empty()) break;
      world.run_for(std::chrono::milliseconds(200), check);
    }
    if (!why.empty()) throw Violation(why + " 20 s after healing");
  }

 private:
  // Why the cluster is not yet where it must end ("" once it is).
  std::string unsettled(const Cluster& cluster) const {
    for (std::size_t i = 0; i < Cluster::nodes; ++i) {
      std::size_t hints = 0;
      cluster.disk(i).for_each(Keyspace::hints, [&](std::string_view, std::string_view) { ++hints; });
      if (hints > 0) return "node " + std::to_string(i + 1) + " still holds " + std::to_string(hints) + " hints";
    }
    const auto& config = cluster.config(0);
    ap::Ring ring(config.membership);
    for (auto& [key, newest] : newest_) {
      for (auto replica : ring.preference_list(key, static_cast<std::size_t>(config.replicas))) {
        auto text = cluster.disk(replica).get(Keyspace::data, key);
        auto record = text ? ap::decode(*text) : std::nullopt;
        const auto at = "'" + key + "' on replica " + std::to_string(replica + 1);
        if (!record && !newest.deleted()) return at + " lost its newest value";
        if (record && record->version != newest.version) return at + " is not at the newest version";
      }
    }
    return "";
  }

  std::map<std::string, ap::Record> newest_;  // key -> newest record ever stored anywhere
};

}  // namespace

std::unique_ptr<ModeChecker> make_ap_checker() { return std::make_unique<ApChecker>(); }

}  // namespace sysdist::sim
