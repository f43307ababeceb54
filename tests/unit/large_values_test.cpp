// The largest legal values, made of the bytes that grow most when encoded, in every mode:
// every message a node builds for them fits what its peers accept (the in-memory network
// refuses bodies over limits::max_peer_body_bytes with 413, as a real node does), so they
// are stored everywhere, read back whole, and reach a node that was away.
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/test/unit_test.hpp>

#include "common/limits.hpp"
#include "in_process_cluster.hpp"

using namespace sysdist;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {
// 1 MiB values of one repeated piece each: the worst bytes for JSON ('"', '\', control
// characters: up to 6 bytes each) and 4-byte UTF-8.
std::vector<std::string> worst_values() {
  std::vector<std::string> values;
  for (std::string piece : {"\"", "\\", "\x01", "\x1f", "\xf0\x9f\x98\x80"}) {
    std::string value;
    while (value.size() + piece.size() <= limits::max_value_bytes) value += piece;
    values.push_back(std::move(value));
  }
  return values;
}

// `count` writes of 1 MiB values at once through `node`, each to its own key; their outcomes.
template <class Cluster>
std::vector<Outcome> write_at_once(Cluster& c, std::size_t node, std::size_t count, const std::string& prefix) {
  auto all = [&]() -> asio::awaitable<std::vector<Outcome>> {
    auto executor = co_await asio::this_coro::executor;
    using Put = decltype(asio::co_spawn(executor, c.modes[node]->put("", ""), asio::deferred));
    std::vector<Put> puts;
    for (std::size_t i = 0; i < count; ++i)
      puts.push_back(asio::co_spawn(executor, c.modes[node]->put(prefix + std::to_string(i),
                                                                 std::string(limits::max_value_bytes, 'a' + i)),
                                    asio::deferred));
    auto [order, failures, results] = co_await asio::experimental::make_parallel_group(std::move(puts))
                                          .async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
    std::vector<Outcome> outcomes;
    for (auto& r : results) outcomes.push_back(r.outcome);
    co_return outcomes;
  };
  return test::run(c.io, all(), std::chrono::seconds(60));
}
}  // namespace

BOOST_AUTO_TEST_SUITE(large_values)

BOOST_AUTO_TEST_CASE(cp_worst_values_replicate_and_a_node_catches_up_by_append_and_by_snapshot) {
  test::CpCluster c;
  for (auto& config : c.configs) config.rpc_timeout = 1000ms;  // megabytes per message, on a shared core
  const auto leader = *c.leader();
  const auto away = (leader + 1) % test::CpCluster::nodes;
  const auto values = worst_values();
  c.network.isolate(away);
  for (std::size_t i = 0; i < values.size(); ++i)
    BOOST_TEST((c.put(leader, "worst" + std::to_string(i), values[i]).outcome == Outcome::applied));
  for (auto outcome : write_at_once(c, leader, 8, "big")) BOOST_TEST((outcome == Outcome::applied));
  c.network.heal();  // the node that was away catches up by AppendEntries
  test::settle(c.io, 1500ms);
  for (std::size_t i = 0; i < values.size(); ++i) {
    BOOST_TEST((c.value(away, "worst" + std::to_string(i)) == values[i]), "value " << i << " on the returning node");
    BOOST_TEST((c.get(away, "worst" + std::to_string(i)).value == values[i]));
  }
  BOOST_TEST(c.value(away, "big7").value_or("").size() == limits::max_value_bytes);
}

BOOST_AUTO_TEST_CASE(cp_a_snapshot_of_large_values_installs_in_chunks_that_fit) {
  test::CpCluster c;
  for (auto& config : c.configs) config.snapshot_entries = 4, config.rpc_timeout = 1000ms;
  for (std::size_t i = 0; i < test::CpCluster::nodes; ++i) c.crash(i), c.restart(i);  // pick up the settings
  const auto leader = *c.leader();
  const auto away = (leader + 1) % test::CpCluster::nodes;
  const auto values = worst_values();
  c.network.isolate(away);
  for (int round = 0; round < 2; ++round)
    for (std::size_t i = 0; i < values.size(); ++i)
      BOOST_TEST((c.put(leader, "worst" + std::to_string(round) + std::to_string(i), values[i]).outcome ==
                  Outcome::applied));
  BOOST_TEST(c.modes[leader]->raft().log().snapshot_index() > 0u);  // the returning node needs a snapshot
  c.network.heal();
  test::settle(c.io, 2000ms);
  for (std::size_t i = 0; i < values.size(); ++i)
    BOOST_TEST((c.value(away, "worst1" + std::to_string(i)) == values[i]), "value " << i << " on the returning node");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(large_values_ca_ap)

BOOST_AUTO_TEST_CASE(ca_worst_values_commit_on_every_node) {
  test::CaCluster c(1000ms);
  const auto values = worst_values();
  for (std::size_t i = 0; i < values.size(); ++i) {
    auto result = c.put(i % test::CaCluster::nodes, "worst" + std::to_string(i), values[i]);
    BOOST_TEST((result.outcome == Outcome::applied), "value " << i << ": " << result.message);
  }
  for (auto outcome : write_at_once(c, 0, 8, "big")) BOOST_TEST((outcome == Outcome::applied));
  for (std::size_t node = 0; node < test::CaCluster::nodes; ++node) {
    for (std::size_t i = 0; i < values.size(); ++i)
      BOOST_TEST((c.value(node, "worst" + std::to_string(i)) == values[i]), "value " << i << " on node " << node + 1);
    BOOST_TEST(c.value(node, "big7").value_or("").size() == limits::max_value_bytes);
  }
}

BOOST_AUTO_TEST_CASE(ap_worst_values_are_stored_read_and_reach_a_node_by_hint_and_by_anti_entropy) {
  test::ApCluster c(1000ms);
  const auto values = worst_values();
  const auto replicas = c.replicas_of("worst0");
  const auto away = replicas[0];
  const auto coordinator = (away + 1) % test::ApCluster::nodes;
  c.network.isolate(away);
  for (std::size_t i = 0; i < values.size(); ++i) {
    auto result = c.put(coordinator, "worst" + std::to_string(i), values[i]);
    BOOST_TEST((result.outcome == Outcome::applied), "value " << i << ": " << result.message);
    BOOST_TEST((c.get(coordinator, "worst" + std::to_string(i)).value == values[i]));
  }
  for (auto outcome : write_at_once(c, coordinator, 8, "big")) BOOST_TEST((outcome == Outcome::applied));
  test::settle(c.io, 1500ms);  // calls to the isolated replica time out: stand-ins take hints
  std::size_t hints = 0;
  for (std::size_t i = 0; i < test::ApCluster::nodes; ++i) hints += c.hints(i);
  BOOST_TEST(hints > 0u);
  c.network.heal();
  for (std::size_t i = 0; i < test::ApCluster::nodes; ++i) c.hand_off(i);  // hints go home
  BOOST_TEST(c.record(away, "worst0").has_value());
  // Anti-entropy brings the rest, whatever a hint did or did not carry.
  for (std::size_t round = 0; round < 2; ++round) c.sync_all();
  for (std::size_t i = 0; i < values.size(); ++i) {
    const auto key = "worst" + std::to_string(i);
    for (auto replica : c.replicas_of(key))
      BOOST_TEST((c.record(replica, key).has_value() && c.record(replica, key)->value == values[i]),
                 "value " << i << " on replica " << replica + 1);
  }
}

BOOST_AUTO_TEST_SUITE_END()
