// InProcessCluster / CaCluster: five nodes in one process over MemoryNetwork, for protocol tests.
// Each node's durable state is a MemoryStore that outlives its mode, so crash(i) followed
// by restart(i) is a kill -9 and a restart on the same disk. A crashed node's pending
// work never completes (its store and network calls hang), like a dead process.
// check_invariants() is CA's invariant checker: no transaction is committed on one node
// and aborted on another, and a key locked anywhere is prepared there.
#pragma once
#include <map>

#include <boost/asio.hpp>
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "modes/ap/ap_mode.hpp"
#include "modes/ca/ca_mode.hpp"
#include "modes/cp/cp_mode.hpp"
#include "peer/batching_transport.hpp"
#include "peer/memory_transport.hpp"
#include "sim/cluster.hpp"
#include "sim/sim_store.hpp"
#include "storage/memory_store.hpp"
#include "test_support.hpp"

namespace sysdist::test {

// A node's store is the simulator's SimStore (src/sim/sim_store.hpp): after crash() its
// commits never complete, and its ordered commits since the last durable one are lost.
using CrashableStore = sim::SimStore;

// Five nodes of one mode in this process: the parts every mode's tests share.
template <class ModeType>
struct InProcessCluster {
  static constexpr std::size_t nodes = 5;

  asio::io_context io;
  Metrics metrics;
  MemoryNetwork network{io.get_executor(), nodes};
  std::array<MemoryStore, nodes> disks;
  std::array<Config, nodes> configs;
  std::array<std::unique_ptr<CrashableStore>, nodes> stores;
  std::array<std::unique_ptr<Transport>, nodes> transports;
  std::array<std::unique_ptr<ModeType>, nodes> modes;
  std::array<std::uint64_t, nodes> incarnations{};
  std::vector<std::unique_ptr<ModeType>> crashed;               // kept alive: their frames may still refer to them
  std::vector<std::unique_ptr<CrashableStore>> crashed_stores;  // likewise
  std::vector<std::unique_ptr<Transport>> crashed_transports;
  std::function<std::unique_ptr<ModeType>(const ModeContext&)> make_mode;

  InProcessCluster(std::string mode, std::chrono::milliseconds rpc_timeout) {
    for (std::size_t i = 0; i < nodes; ++i) {
      configs[i] = sim::loopback_config(i, mode);
      configs[i].rpc_timeout = rpc_timeout;
    }
  }
  ~InProcessCluster() {
    io.stop();
    for (auto& m : modes)
      if (m) m->stop();
  }

  void start_all() {
    for (std::size_t i = 0; i < nodes; ++i) start(i);
  }
  void start(std::size_t i) {
    stores[i] = std::make_unique<CrashableStore>(disks[i]);
    transports[i] = make_batching_transport(network.transport_for(i), configs[i].peer_calls_in_flight, metrics);
    ModeContext context{configs[i], *stores[i], *transports[i], metrics, ++incarnations[i]};
    modes[i] = make_mode(context);
    auto* mode = modes[i].get();
    run(io, mode->start());  // as a real node: the mode starts before it listens
    network.attach(i, serve_batches(peer_routes_of(*mode)));
  }
  void crash(std::size_t i) {
    network.crash(i);
    stores[i]->crash();
    modes[i]->stop();
    crashed.push_back(std::move(modes[i]));
    crashed_stores.push_back(std::move(stores[i]));
    crashed_transports.push_back(std::move(transports[i]));
  }
  void restart(std::size_t i) { start(i); }

  Result put(std::size_t i, std::string key, std::string value) { return run(io, modes[i]->put(key, value)); }
  Result remove(std::size_t i, std::string key) { return run(io, modes[i]->remove(key)); }
  Result get(std::size_t i, std::string key) { return run(io, modes[i]->get(key, false)); }
  PeerReply peer(std::size_t i, std::string method, std::string target, std::string body = "") {
    PeerRequest request{std::move(method), std::move(target), std::move(body)};
    return run(io, modes[i]->handle_peer(std::move(request)));
  }
};

struct CaCluster : InProcessCluster<ca::CaMode> {
  ca::StepHook hook;  // runs at each coordinator step of every node

  explicit CaCluster(std::chrono::milliseconds rpc_timeout = std::chrono::milliseconds(100))
      : InProcessCluster("CA", rpc_timeout) {
    for (auto& c : configs) c.in_doubt_timeout = std::chrono::milliseconds(600);
    make_mode = [this](const ModeContext& context) {
      return std::make_unique<ca::CaMode>(context, [this](std::string_view step) {
        if (hook) hook(step);
      });
    };
    start_all();
  }

  // Starts a write on node i, crashes node i when its coordinator reaches `step`, and lets
  // `wait` pass: the write never answers, as when the process dies there.
  void crash_coordinator_at(std::string_view step, std::size_t i, std::string key, std::string value,
                            std::chrono::milliseconds wait) {
    hook = [this, step, i](std::string_view reached) {
      if (reached == step) crash(i);
    };
    io.restart();
    asio::co_spawn(io, modes[i]->put(std::move(key), std::move(value)), asio::detached);
    settle(io, wait);
    hook = nullptr;
  }
  std::optional<std::string> value(std::size_t i, const std::string& key) const {
    return disks[i].get(Keyspace::data, key);
  }
  std::size_t prepared(std::size_t i) const { return modes[i]->status().at("prepared").as_array().size(); }
  std::size_t prepared_anywhere() const {
    std::size_t n = 0;
    for (std::size_t i = 0; i < nodes; ++i)
      if (modes[i]) n += prepared(i);
    return n;
  }
  // Lets in-doubt resolution run until nothing is prepared (bounded).
  void settle_all(std::chrono::milliseconds limit = std::chrono::milliseconds(5000)) {
    const auto give_up = std::chrono::steady_clock::now() + limit;
    while (prepared_anywhere() > 0 && std::chrono::steady_clock::now() < give_up)
      settle(io, std::chrono::milliseconds(50));
    check_invariants();
  }

  // The state each node recorded per transaction id.
  std::map<std::string, std::string> states(std::size_t i) const {
    std::map<std::string, std::string> out;
    disks[i].for_each(Keyspace::txn, [&](std::string_view id, std::string_view record) {
      out[std::string(id)] = std::string(boost::json::parse(record).as_object().at("state").as_string());
    });
    return out;
  }
  void check_invariants() const {
    std::map<std::string, std::set<std::string>> decided;  // id -> decisions seen
    for (std::size_t i = 0; i < nodes; ++i)
      for (auto& [id, state] : states(i))
        if (state != "prepared") decided[id].insert(state);
    for (auto& [id, seen] : decided) BOOST_TEST(seen.size() == 1u, "txn " << id << " both committed and aborted");
  }
  // Every node holds the same committed data.
  void expect_no_divergence() const {
    std::map<std::string, std::string> first;
    disks[0].for_each(Keyspace::data, [&](std::string_view k, std::string_view v) { first[std::string(k)] = v; });
    for (std::size_t i = 1; i < nodes; ++i) {
      std::map<std::string, std::string> other;
      disks[i].for_each(Keyspace::data, [&](std::string_view k, std::string_view v) { other[std::string(k)] = v; });
      BOOST_TEST((other == first), "node " << i + 1 << " diverges from node 1");
    }
  }
};

// Five AP nodes; anti-entropy and handoff are driven by the tests (the loop's interval is
// an hour), tombstones have a 1 s grace period.
struct ApCluster : InProcessCluster<ap::ApMode> {
  explicit ApCluster(std::chrono::milliseconds rpc_timeout = std::chrono::milliseconds(100))
      : InProcessCluster("AP", rpc_timeout) {
    for (auto& c : configs) {
      c.anti_entropy_interval = std::chrono::hours(1);
      c.tombstone_grace = std::chrono::milliseconds(1000);
    }
    make_mode = [](const ModeContext& context) { return std::make_unique<ap::ApMode>(context); };
    start_all();
  }
  std::optional<ap::Record> record(std::size_t i, const std::string& key) const {
    auto text = disks[i].get(Keyspace::data, key);
    return text ? ap::decode(*text) : std::nullopt;
  }
  std::vector<std::size_t> replicas_of(const std::string& key) const {
    return ap::Ring(configs[0].membership).preference_list(key, static_cast<std::size_t>(configs[0].replicas));
  }
  std::size_t hints(std::size_t i) const {
    std::size_t n = 0;
    disks[i].for_each(Keyspace::hints, [&](std::string_view, std::string_view) { ++n; });
    return n;
  }
  void sync(std::size_t i, std::size_t j) { run(io, modes[i]->anti_entropy().sync_with(j)); }
  void sync_all() {
    for (std::size_t i = 0; i < nodes; ++i)
      for (std::size_t j = 0; j < nodes; ++j)
        if (i != j && modes[i] && modes[j]) sync(i, j);
  }
  void hand_off(std::size_t i) { run(io, modes[i]->anti_entropy().hand_off_hints()); }
  void collect_garbage(std::size_t i) { run(io, modes[i]->anti_entropy().collect_garbage()); }
};

// Five CP nodes with demo-fast timing (elections in 150-300 ms, heartbeats every 30 ms),
// or ten times faster for many short randomized schedules.
struct CpCluster : InProcessCluster<cp::CpMode> {
  static constexpr int fast = 10;
  explicit CpCluster(int speedup = 1) : InProcessCluster("CP", std::chrono::milliseconds(100 / speedup)) {
    for (auto& c : configs) {
      c.election_timeout_min = std::chrono::milliseconds(150 / speedup);
      c.election_timeout_max = std::chrono::milliseconds(300 / speedup);
      c.heartbeat_interval = std::chrono::milliseconds(30 / speedup);
      c.appends_in_flight = 4;  // the in-memory network keeps order: exercise pipelining
    }
    make_mode = [](const ModeContext& context) { return std::make_unique<cp::CpMode>(context); };
    start_all();
  }
  // The live leader with the highest term, once one exists (waits up to `limit`).
  std::optional<std::size_t> leader(std::chrono::milliseconds limit = std::chrono::milliseconds(3000)) {
    const auto give_up = std::chrono::steady_clock::now() + limit;
    for (;;) {
      std::optional<std::size_t> found;
      std::uint64_t best = 0;
      for (std::size_t i = 0; i < nodes; ++i) {
        if (!modes[i] || modes[i]->raft().role() != cp::Role::leader) continue;
        const auto term = modes[i]->status().at("term").as_uint64();
        if (!found || term > best) found = i, best = term;
      }
      if (found || std::chrono::steady_clock::now() >= give_up) return found;
      settle(io, std::chrono::milliseconds(20));
    }
  }
  std::uint64_t term(std::size_t i) const { return modes[i]->status().at("term").as_uint64(); }
  std::optional<std::string> value(std::size_t i, const std::string& key) const {
    return disks[i].get(Keyspace::data, key);
  }
  // Election safety: at most one leader per term among the live nodes.
  void check_one_leader_per_term() const {
    std::map<std::uint64_t, int> leaders;
    for (std::size_t i = 0; i < nodes; ++i)
      if (modes[i] && modes[i]->raft().role() == cp::Role::leader) ++leaders[term(i)];
    for (auto [t, count] : leaders) BOOST_TEST(count == 1, "term " << t << " has " << count << " leaders");
  }
};

}  // namespace sysdist::test
