// AP mode on five in-process nodes: quorum writes and reads, stand-ins with hints handed
// off across a restart, read repair, Merkle anti-entropy for keys nobody reads, and
// tombstone garbage collection.
#include <boost/test/unit_test.hpp>

#include "in_process_cluster.hpp"
#include "peer/messages.hpp"

using namespace sysdist;
using namespace std::chrono_literals;
using test::ApCluster;

namespace {
// The first node that is not one of the key's replicas.
std::size_t outsider(const std::vector<std::size_t>& replicas) {
  for (std::size_t i = 0; i < ApCluster::nodes; ++i)
    if (std::find(replicas.begin(), replicas.end(), i) == replicas.end()) return i;
  return 0;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(sloppy_quorum)

BOOST_AUTO_TEST_CASE(write_lands_on_its_replicas_and_any_node_reads_it) {
  ApCluster c;
  BOOST_TEST((c.put(0, "city", "Rome").outcome == Outcome::applied));
  test::settle(c.io, 50ms);  // the third replica's ack may come after W=2
  for (auto r : c.replicas_of("city")) BOOST_TEST(*c.record(r, "city")->value == "Rome");
  for (std::size_t i = 0; i < ApCluster::nodes; ++i) BOOST_TEST(*c.get(i, "city").value == "Rome");
  BOOST_TEST((c.get(2, "nothing").outcome == Outcome::not_found));
}

BOOST_AUTO_TEST_CASE(last_writer_wins_and_delete_leaves_a_tombstone) {
  ApCluster c;
  c.put(0, "city", "Rome");
  c.put(3, "city", "Paris");
  BOOST_TEST(*c.get(1, "city").value == "Paris");
  BOOST_TEST((c.remove(2, "city").outcome == Outcome::applied));
  BOOST_TEST((c.get(4, "city").outcome == Outcome::not_found));
  BOOST_TEST((c.remove(2, "city").outcome == Outcome::not_found));
  test::settle(c.io, 50ms);
  BOOST_TEST(c.record(c.replicas_of("city")[0], "city")->deleted());
}

BOOST_AUTO_TEST_CASE(too_few_live_nodes_for_w_answers_504_not_422) {
  ApCluster c;
  for (std::size_t i = 1; i < ApCluster::nodes; ++i) c.crash(i);
  auto result = c.put(0, "city", "Rome");  // only node 1 itself can store it
  BOOST_TEST((result.outcome == Outcome::unknown));
  BOOST_TEST(result.code == "write_quorum_timeout");
  auto read = c.get(0, "city");
  BOOST_TEST((read.outcome == Outcome::unavailable));  // R=2 cannot be met either
}

BOOST_AUTO_TEST_CASE(stand_in_keeps_a_hint_and_hands_it_off_after_restarts) {
  ApCluster c;
  const auto replicas = c.replicas_of("city");
  const auto down = replicas[0];
  const auto coordinator = outsider(replicas);
  c.crash(down);
  BOOST_TEST((c.put(coordinator, "city", "Rome").outcome == Outcome::applied));
  test::settle(c.io, 300ms);  // the failed call times out and a stand-in takes over
  std::size_t stand_in = ApCluster::nodes;
  for (std::size_t i = 0; i < ApCluster::nodes; ++i)
    if (i != down && c.hints(i) > 0) stand_in = i;
  BOOST_REQUIRE(stand_in < ApCluster::nodes);
  BOOST_TEST(c.modes[stand_in]->status().at("hints_held").as_array().size() == 1u);
  c.crash(stand_in);  // hints survive a restart of the stand-in
  c.restart(stand_in);
  BOOST_TEST(c.hints(stand_in) == 1u);
  c.hand_off(stand_in);  // the replica is still down: the hint stays
  BOOST_TEST(c.hints(stand_in) == 1u);
  c.restart(down);
  BOOST_TEST(!c.record(down, "city").has_value());
  c.hand_off(stand_in);
  BOOST_TEST(*c.record(down, "city")->value == "Rome");
  BOOST_TEST(c.hints(stand_in) == 0u);
}

BOOST_AUTO_TEST_CASE(hints_a_target_refuses_are_dropped_visibly_and_block_no_other_hint) {
  ApCluster c;
  const auto replicas = c.replicas_of("city");
  const auto down = replicas[0];
  const auto coordinator = outsider(replicas);
  c.crash(down);
  for (auto* key : {"city", "river", "hill"}) c.put(coordinator, key, "v");
  test::settle(c.io, 300ms);  // stand-ins take hints for the node that is down
  std::size_t held = 0;
  for (std::size_t i = 0; i < ApCluster::nodes; ++i) held += c.hints(i);
  BOOST_REQUIRE(held > 0u);
  // The node comes back refusing every handoff (as it would a version from the far future).
  c.network.attach(down, [](PeerRequest) -> boost::asio::awaitable<PeerReply> {
    co_return PeerReply{400, R"({"error":"refused","code":"bad_message"})"};
  });
  for (std::size_t i = 0; i < ApCluster::nodes; ++i)
    if (i != down) c.hand_off(i);
  std::size_t left = 0, refused = 0;
  for (std::size_t i = 0; i < ApCluster::nodes; ++i)
    if (i != down) {
      left += c.hints(i);
      refused += c.modes[i]->status().at("anti_entropy").at("hints_refused").as_uint64();
    }
  BOOST_TEST(left == 0u);  // not resent for ever
  BOOST_TEST(refused == held);
  BOOST_TEST(c.metrics.render().find("sysdist_ap_hints_dropped_total") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(hints_for_a_replica_that_stays_away_are_bounded_and_anti_entropy_repairs_the_rest) {
  ApCluster c;
  for (auto& config : c.configs) config.max_hint_bytes = 4000;
  const std::size_t down = 0;
  c.crash(down);
  const std::string value(500, 'v');
  std::vector<std::string> keys;
  for (int k = 0; k < 60; ++k) {
    const auto key = "k" + std::to_string(k);
    const auto replicas = c.replicas_of(key);
    if (std::find(replicas.begin(), replicas.end(), down) == replicas.end()) continue;
    keys.push_back(key);
    c.put(1 + k % 4, key, value);
  }
  test::settle(c.io, 300ms);  // stand-ins take hints
  for (std::size_t i = 1; i < ApCluster::nodes; ++i) c.hand_off(i);  // still away: over budget drops
  std::size_t dropped = 0;
  for (std::size_t i = 1; i < ApCluster::nodes; ++i) {
    std::size_t bytes = 0;
    c.disks[i].for_each(Keyspace::hints, [&](std::string_view k, std::string_view) { bytes += value.size() + k.size(); });
    BOOST_TEST(bytes <= 4000u + 2 * (value.size() + 64), "node " << i + 1 << " holds " << bytes << " bytes of hints");
    dropped += c.modes[i]->status().at("anti_entropy").at("hints_dropped_over_budget").as_uint64();
  }
  BOOST_TEST(keys.size() > 12u);
  BOOST_TEST(dropped > 0u);
  c.restart(down);
  for (std::size_t i = 1; i < ApCluster::nodes; ++i) c.hand_off(i);
  for (int round = 0; round < 2; ++round) c.sync_all();
  for (const auto& key : keys)
    BOOST_TEST((c.record(down, key) && c.record(down, key)->value == value), key << " on the returning replica");
}

BOOST_AUTO_TEST_CASE(read_repairs_a_replica_tricked_with_an_old_value) {
  ApCluster c;
  c.put(0, "city", "Rome");
  test::settle(c.io, 50ms);
  const auto tricked = c.replicas_of("city")[1];
  auto reply = c.peer(tricked, "POST", "/quorum/repair", R"({"key":"city","val":"Atlantis","ts":1})");
  BOOST_TEST(reply.status == 200u);
  BOOST_TEST(*c.record(tricked, "city")->value == "Atlantis");
  for (std::size_t i = 0; i < ApCluster::nodes; ++i) BOOST_TEST(*c.get(i, "city").value == "Rome");
  test::settle(c.io, 50ms);
  BOOST_TEST(*c.record(tricked, "city")->value == "Rome");
  BOOST_TEST(c.peer(tricked, "POST", "/quorum/repair", R"({"key":"city"})").status == 400u);
  BOOST_TEST(c.peer(tricked, "GET", "/quorum/read/nothing").status == 404u);
}

BOOST_AUTO_TEST_CASE(anti_entropy_converges_keys_nobody_reads_with_few_bytes) {
  ApCluster c;
  for (int k = 0; k < 10000; ++k) c.put(k % 5, "k" + std::to_string(k), "v" + std::to_string(k));
  test::settle(c.io, 50ms);
  c.sync_all();  // all in sync: only roots travel
  // Node 1 silently loses 10 keys it replicates (as if it missed them and the hints were lost).
  std::vector<std::string> lost;
  for (int k = 0; k < 10000 && lost.size() < 10; ++k) {
    auto key = "k" + std::to_string(k);
    auto replicas = c.replicas_of(key);
    if (std::find(replicas.begin(), replicas.end(), 0u) != replicas.end()) lost.push_back(key);
  }
  for (auto& key : lost) {
    Batch gone{{Keyspace::data, key, std::nullopt}};
    test::run(c.io, c.disks[0].commit(std::move(gone)));
  }
  c.crash(0);
  c.restart(0);  // rebuilds its Merkle summaries from disk
  const auto before = c.modes[0]->anti_entropy().bytes_exchanged();
  for (std::size_t peer = 1; peer < ApCluster::nodes; ++peer) c.sync(0, peer);
  const auto bytes = c.modes[0]->anti_entropy().bytes_exchanged() - before;
  for (auto& key : lost) BOOST_TEST(c.record(0, key).has_value(), key << " not restored");
  BOOST_TEST_MESSAGE("anti-entropy bytes for 10000 keys with 10 missing: " << bytes);
  BOOST_TEST(bytes < 64u * 1024u);  // leaf hashes and the differing leaves only
}

BOOST_AUTO_TEST_CASE(tombstones_are_collected_after_the_grace_period_once_every_replica_has_them) {
  ApCluster c;
  c.put(0, "city", "Rome");
  c.remove(1, "city");
  test::settle(c.io, 50ms);
  for (std::size_t i = 0; i < ApCluster::nodes; ++i) c.collect_garbage(i);
  BOOST_TEST(c.record(c.replicas_of("city")[0], "city").has_value());  // too young
  test::settle(c.io, 1100ms);
  c.sync_all();
  for (std::size_t i = 0; i < ApCluster::nodes; ++i) c.collect_garbage(i);
  for (auto r : c.replicas_of("city")) BOOST_TEST(!c.record(r, "city").has_value());
  BOOST_TEST((c.get(0, "city").outcome == Outcome::not_found));
  c.sync_all();  // nobody resurrects it
  for (auto r : c.replicas_of("city")) BOOST_TEST(!c.record(r, "city").has_value());
}

BOOST_AUTO_TEST_CASE(malformed_peer_messages_are_rejected) {
  ApCluster c;
  BOOST_TEST(c.peer(0, "POST", "/ap/put", "{bad").status == 400u);
  BOOST_TEST(c.peer(0, "POST", "/ap/put", R"({"records":[{"key":"k"}]})").status == 400u);
  BOOST_TEST(c.peer(0, "POST", "/ap/merkle", R"({"from":99})").status == 400u);
  BOOST_TEST(c.peer(0, "GET", "/ap/put").status == 405u);
  BOOST_TEST(c.peer(0, "GET", "/nothing").status == 404u);
}

BOOST_AUTO_TEST_SUITE_END()
