// CP on the simulator. After every instant, Raft's safety properties over everything seen:
//   election safety      at most one leader per term, ever;
//   log matching         two logs with an entry of the same index and term agree up to it;
//   state machine safety no two nodes ever report different entries committed at one index;
//   leader completeness  every entry seen committed in term T is in the log of every leader
//                        of a later term.
// At the end: a leader, a final read of every key (recorded), the whole client history
// linearizable (sysdist-check's checker: so no acknowledged write is lost), and every
// node's data the same.
#include <map>

#include "modes/cp/cp_mode.hpp"
#include "sim/checkers.hpp"
#include "tools/check/linearizability.hpp"

namespace sysdist::sim {

namespace {

const cp::Raft* raft_of(const Cluster& cluster, std::size_t i) {
  auto* mode = dynamic_cast<cp::CpMode*>(cluster.mode(i));
  return mode ? &mode->raft() : nullptr;
}

std::string node_name(std::size_t i) { return "node " + std::to_string(i + 1); }

class CpChecker final : public ModeChecker {
 public:
  void tune(Config& c) const override {
    c.rpc_timeout = std::chrono::milliseconds(100);
    c.election_timeout_min = std::chrono::milliseconds(150);
    c.election_timeout_max = std::chrono::milliseconds(300);
    c.heartbeat_interval = std::chrono::milliseconds(30);
    c.appends_in_flight = 4;   // exercise pipelining (and its reordering under delay)
    c.snapshot_entries = 40;   // compact often: snapshots and catch-up by snapshot
  }
  Workload workload() const override {
    Workload w;
    w.reads = 3, w.writes = 4, w.cas = 2;
    return w;
  }

  void after_step(Cluster& cluster) override {
    std::vector<const cp::Raft*> live;
    for (std::size_t i = 0; i < Cluster::nodes; ++i)
      if (auto* raft = raft_of(cluster, i)) {
        live.push_back(raft);
        observe(*raft, i);
      }
    for (std::size_t a = 0; a < live.size(); ++a)
      for (std::size_t b = a + 1; b < live.size(); ++b) check_log_matching(live[a]->log(), live[b]->log());
    for (auto* leader : live)
      if (leader->role() == cp::Role::leader) check_leader_completeness(*leader);
  }

  void finish(World& world, Cluster& cluster, Clients& clients) override {
    std::optional<std::size_t> leader;
    for (int waited = 0; waited < 100 && !leader; ++waited) {
      world.run_for(std::chrono::milliseconds(50), [&] { after_step(cluster); });
      for (std::size_t i = 0; i < Cluster::nodes; ++i)
        if (auto* raft = raft_of(cluster, i); raft && raft->role() == cp::Role::leader) leader = i;
    }
    if (!leader) throw Violation("no leader 5 s after every fault healed");
    for (auto& key : clients.workload().keys) final_read(world, cluster, clients, key);
    auto verdict = check::check_linearizable(clients.history());
    // A search that ran out of states (many unknown outcomes) is no verdict, not a violation.
    std::erase_if(verdict.failures, [&world](const check::KeyVerdict& f) {
      if (f.gave_up) world.trace("linearizability search gave up on key " + f.key);
      return f.gave_up;
    });
    if (!verdict.failures.empty()) {
      std::string what = "history not linearizable";
      for (auto& f : verdict.failures) {
        what += "; key " + f.key;
        for (auto& op : f.window) what += " | " + check::describe(op);
      }
      throw Violation(what);
    }
    expect_same_data(world, cluster);
  }

 private:
  struct Committed {
    std::uint64_t term;
    std::string command;
    std::uint64_t seen_in_term;
  };

  void observe(const cp::Raft& raft, std::size_t i) {
    if (raft.role() == cp::Role::leader) {
      auto [it, fresh] = leaders_.emplace(raft.term(), i);
      if (it->second != i)
        throw Violation("term " + std::to_string(raft.term()) + " had two leaders: " + node_name(it->second) +
                        " and " + node_name(i));
    }
    auto& log = raft.log();
    const auto checked = std::min(checked_up_to(i), raft.commit_index());  // lower after a restart
    for (auto index = std::max(log.snapshot_index(), checked) + 1;
         index <= std::min(raft.commit_index(), log.last_index()); ++index) {
      auto [it, fresh] = committed_.emplace(index, Committed{log.at(index).term, log.at(index).command, raft.term()});
      if (it->second.term != log.at(index).term || it->second.command != log.at(index).command)
        throw Violation("index " + std::to_string(index) + " committed differently on " + node_name(i));
      it->second.seen_in_term = std::min(it->second.seen_in_term, raft.term());
    }
    checked_[i] = std::min(raft.commit_index(), log.last_index());
  }
  std::uint64_t checked_up_to(std::size_t i) const {
    auto it = checked_.find(i);
    return it == checked_.end() ? 0 : it->second;
  }
  static void check_log_matching(const cp::RaftLog& a, const cp::RaftLog& b) {
    const auto first = std::max(a.snapshot_index(), b.snapshot_index()) + 1;
    auto index = std::min(a.last_index(), b.last_index());
    while (index >= first && a.at(index).term != b.at(index).term) --index;
    for (; index >= first; --index)
      if (a.at(index).term != b.at(index).term || a.at(index).command != b.at(index).command)
        throw Violation("logs differ at index " + std::to_string(index) + " below a matching entry");
  }
  void check_leader_completeness(const cp::Raft& leader) const {
    for (auto it = committed_.upper_bound(leader.log().snapshot_index()); it != committed_.end(); ++it)
      if (it->second.seen_in_term < leader.term() && leader.log().term_at(it->first) != std::optional(it->second.term))
        throw Violation("leader of term " + std::to_string(leader.term()) + " lacks committed index " +
                        std::to_string(it->first));
  }

  // Reads `key` through the leader until an answer comes (a leader may be changing).
  static void final_read(World& world, Cluster& cluster, Clients& clients, const std::string& key) {
    for (int attempt = 0; attempt < 40; ++attempt) {
      for (std::size_t i = 0; i < Cluster::nodes; ++i) {
        auto* raft = raft_of(cluster, i);
        if (!raft || raft->role() != cp::Role::leader) continue;
        auto op = complete(world, clients.run(0, i, check::OpType::read, key));
        if (op.result == check::OpResult::ok) return;
      }
      world.run_for(std::chrono::milliseconds(50));
    }
    throw Violation("no final read of '" + key + "' succeeded");
  }

  // Every node applies the same entries (one that lost unsynced applies in a crash re-applies them).
  static void expect_same_data(World& world, Cluster& cluster) {
    for (int attempt = 0; attempt < 100; ++attempt) {
      if (differing_node(cluster) == 0) return;
      world.run_for(std::chrono::milliseconds(50));
    }
    throw Violation(node_name(differing_node(cluster)) + " holds different data than node 1");
  }

  std::map<std::uint64_t, std::size_t> leaders_;    // term -> its leader
  std::map<std::uint64_t, Committed> committed_;    // index -> entry seen committed
  std::map<std::size_t, std::uint64_t> checked_;    // node -> committed index already compared
};

}  // namespace

std::unique_ptr<ModeChecker> make_cp_checker() { return std::make_unique<CpChecker>(); }

}  // namespace sysdist::sim
