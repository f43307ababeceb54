// CA on the simulator. After every instant: no transaction is ever recorded committed on
// one node and aborted on another. At the end, once in-doubt resolution has run: nothing
// prepared and no key locked anywhere, every node holds the same data, and no write that
// answered "not applied" is visible, neither in the final data nor in any read.
#include <set>

#include <boost/json.hpp>

#include "modes/ca/ca_mode.hpp"
#include "sim/checkers.hpp"

namespace sysdist::sim {

namespace {

class CaChecker final : public ModeChecker {
 public:
  void tune(Config& c) const override {
    c.rpc_timeout = std::chrono::milliseconds(100);
    c.in_doubt_timeout = std::chrono::milliseconds(600);
  }
  Workload workload() const override {
    Workload w;
    w.reads = 3, w.writes = 4, w.deletes = 1;
    // A write lost on one node must stay visible as divergence: hot keys would soon be
    // overwritten everywhere, so some writes go to keys written only once.
    w.fresh_key_per_mille = 300;
    return w;
  }

  // Half of the crashes strike where two-phase commit is most fragile: when a coordinator
  // has every vote, a participant dies before the decision reaches it.
  bool strike(const Step& step, World& world, Cluster& cluster) override {
    if (step.fault != Fault::crash || !world.chance(500)) return false;
    cluster_ = &cluster, world_ = &world;
    crash_when_voted_ = step.node;
    world.trace("armed: a participant crashes once a coordinator has every vote");
    return true;
  }
  void disarm() override { crash_when_voted_.reset(); }
  std::unique_ptr<Mode> make_mode(const ModeContext& context, std::size_t node) override {
    return std::make_unique<ca::CaMode>(context, [this, node](std::string_view step) { at_step(node, step); });
  }

  void after_step(Cluster& cluster) override {
    for (std::size_t i = 0; i < Cluster::nodes; ++i)
      cluster.disk(i).for_each(Keyspace::txn, [&](std::string_view id, std::string_view record) {
        auto& known = decided_[std::string(id)];
        if (known.size() == 2) return;
        std::error_code ec;
        auto json = boost::json::parse(record, ec);
        if (ec || !json.is_object() || !json.as_object().contains("state")) return;
        auto state = std::string(json.as_object().at("state").as_string());
        if (state == "prepared") return;
        known.insert(state);
        if (known.size() > 1) throw Violation("transaction " + std::string(id) + " both committed and aborted");
      });
  }

  void finish(World& world, Cluster& cluster, Clients& clients) override {
    const auto check = [&] { after_step(cluster); };
    for (int waited = 0; waited < 200 && busy_node(cluster); ++waited) world.run_for(std::chrono::milliseconds(50), check);
    if (auto node = busy_node(cluster)) {
      if (!cluster.up(*node)) throw Violation("node " + std::to_string(*node + 1) + " is down after healing");
      auto status = cluster.mode(*node)->status();
      throw Violation("node " + std::to_string(*node + 1) + " still holds prepared transactions or locks 10 s after healing: " +
                      boost::json::serialize(status.at("prepared")) + ", " +
                      boost::json::serialize(status.at("locked_keys")) + " keys locked");
    }
    if (auto node = differing_node(cluster)) throw Violation("node " + std::to_string(node + 1) + " diverges from node 1");
    std::set<std::string> failed;  // values of writes that answered "not applied"
    for (auto& op : clients.history())
      if (op.type == check::OpType::write && op.value && op.result == check::OpResult::fail) failed.insert(*op.value);
    for (auto& op : clients.history())
      if (op.type == check::OpType::read && op.value && failed.contains(*op.value))
        throw Violation("a read saw a failed write: " + check::describe(op));
    for (auto& [key, value] : data_of(cluster, 0))
      if (failed.contains(value)) throw Violation("failed write '" + value + "' is the value of '" + key + "'");
  }

 private:
  static std::optional<std::size_t> busy_node(const Cluster& cluster) {
    for (std::size_t i = 0; i < Cluster::nodes; ++i) {
      if (!cluster.up(i)) return i;
      auto status = cluster.mode(i)->status();
      if (!status.at("prepared").as_array().empty() || status.at("locked_keys").to_number<std::uint64_t>() != 0) return i;
    }
    return std::nullopt;
  }

  void at_step(std::size_t coordinator, std::string_view step) {
    if (step != "voted" || !crash_when_voted_) return;
    auto victim = *crash_when_voted_ == coordinator ? (coordinator + 1) % Cluster::nodes : *crash_when_voted_;
    crash_when_voted_.reset();
    if (!cluster_->up(victim)) return;
    world_->trace("node " + std::to_string(coordinator + 1) + " has every vote");
    cluster_->crash(victim);
  }

  std::map<std::string, std::set<std::string>> decided_;  // txn id -> decisions seen anywhere
  std::optional<std::size_t> crash_when_voted_;           // armed by strike()
  Cluster* cluster_ = nullptr;
  World* world_ = nullptr;
};

}  // namespace

std::unique_ptr<ModeChecker> make_ca_checker() { return std::make_unique<CaChecker>(); }

}  // namespace sysdist::sim
