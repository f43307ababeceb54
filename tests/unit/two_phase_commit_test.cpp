// CA mode's two-phase commit on five in-process nodes: commits reach every node, any
// unreachable or unwilling participant aborts the write and changes nothing, and crashes of
// the coordinator or a participant at every step end with all nodes agreeing.
#include <boost/test/unit_test.hpp>

#include "in_process_cluster.hpp"
#include "modes/ca/txn.hpp"
#include "peer/messages.hpp"

using namespace sysdist;
using namespace std::chrono_literals;
using test::CaCluster;

namespace {
std::string proposal(const std::string& id, const std::string& key, const std::string& value) {
  return to_body(ca::ProposeMessage{id, key, value, std::nullopt});
}
}  // namespace

BOOST_AUTO_TEST_SUITE(two_phase_commit)

BOOST_AUTO_TEST_CASE(commit_applies_the_value_on_every_node) {
  CaCluster c;
  BOOST_TEST((c.put(0, "city", "Rome").outcome == Outcome::applied));
  for (std::size_t i = 0; i < CaCluster::nodes; ++i) BOOST_TEST(*c.value(i, "city") == "Rome");
  BOOST_TEST((c.put(3, "city", "Paris").outcome == Outcome::applied));
  for (std::size_t i = 0; i < CaCluster::nodes; ++i) BOOST_TEST(*c.value(i, "city") == "Paris");
  BOOST_TEST(c.prepared_anywhere() == 0u);
  c.check_invariants();
}

BOOST_AUTO_TEST_CASE(delete_removes_the_key_everywhere_and_absent_key_is_not_found) {
  CaCluster c;
  c.put(1, "city", "Rome");
  BOOST_TEST((c.remove(2, "city").outcome == Outcome::applied));
  for (std::size_t i = 0; i < CaCluster::nodes; ++i) BOOST_TEST(!c.value(i, "city").has_value());
  BOOST_TEST((c.remove(2, "city").outcome == Outcome::not_found));
}

BOOST_AUTO_TEST_CASE(dead_participant_aborts_the_write_and_changes_nothing) {
  CaCluster c;
  c.put(0, "city", "Rome");
  c.crash(3);
  auto result = c.put(0, "city", "Paris");
  BOOST_TEST((result.outcome == Outcome::rejected));
  BOOST_TEST(result.code == "participant_unreachable");
  BOOST_TEST(result.message.find("127.0.0.4:3004") != std::string::npos);
  for (std::size_t i : {0, 1, 2, 4}) BOOST_TEST(*c.value(i, "city") == "Rome");
  BOOST_TEST(c.prepared_anywhere() == 0u);  // the yes-voters were rolled back before the answer
  c.restart(3);
  c.settle_all();  // its commit of "Rome" was unsynced and died with it: asked again first
  BOOST_TEST((c.put(0, "city", "Paris").outcome == Outcome::applied));
  c.expect_no_divergence();
}

BOOST_AUTO_TEST_CASE(partitioned_participant_times_out_then_heals) {
  CaCluster c;
  c.network.isolate(2);
  const auto start = std::chrono::steady_clock::now();
  BOOST_TEST((c.put(0, "city", "Rome").outcome == Outcome::rejected));
  BOOST_TEST((std::chrono::steady_clock::now() - start < 3s));  // bounded by the RPC timeout
  c.network.heal();
  c.settle_all();
  BOOST_TEST((c.put(4, "city", "Oslo").outcome == Outcome::applied));
  c.expect_no_divergence();
}

BOOST_AUTO_TEST_CASE(key_locked_by_another_transaction_gets_a_no_vote) {
  CaCluster c;
  auto vote = c.peer(1, "POST", "/2pc/propose", proposal("by-hand", "city", "Lyon"));
  BOOST_TEST(vote.status == 200u);
  auto result = c.put(0, "city", "Rome");
  BOOST_TEST((result.outcome == Outcome::rejected));
  BOOST_TEST(result.code == "conflict");
  BOOST_TEST(result.message.find("by-hand") != std::string::npos);
  BOOST_TEST(c.peer(1, "POST", "/2pc/rollback/by-hand").status == 200u);
  BOOST_TEST((c.put(0, "city", "Rome").outcome == Outcome::applied));
  c.expect_no_divergence();
}

BOOST_AUTO_TEST_CASE(hand_made_proposal_commits_or_rolls_back_by_hand) {
  CaCluster c;
  BOOST_TEST(c.peer(2, "POST", "/2pc/propose", proposal("t1", "city", "Lyon")).status == 200u);
  BOOST_TEST(c.peer(2, "POST", "/2pc/propose", proposal("t1", "city", "Lyon")).status == 200u);  // same vote again
  BOOST_TEST(!c.value(2, "city").has_value());  // prepared is not committed
  BOOST_TEST(c.peer(2, "POST", "/2pc/commit/t1").status == 200u);
  BOOST_TEST(*c.value(2, "city") == "Lyon");
  BOOST_TEST(c.peer(2, "POST", "/2pc/commit/t1").status == 200u);    // idempotent
  BOOST_TEST(c.peer(2, "POST", "/2pc/rollback/t1").status == 409u);  // already committed
  BOOST_TEST(c.peer(2, "POST", "/2pc/commit/never-seen").status == 404u);
  BOOST_TEST(c.peer(2, "POST", "/2pc/propose", "{\"id\":1}").status == 400u);
  BOOST_TEST(c.peer(2, "GET", "/2pc/propose").status == 405u);
  BOOST_TEST(c.peer(2, "GET", "/nothing").status == 404u);
}

BOOST_AUTO_TEST_CASE(the_originals_demo_repeated_with_one_id_prepares_a_new_transaction_each_time) {
  // bin/propose.sh always sends id "1": propose, commit, propose again, roll back.
  CaCluster c;
  BOOST_TEST(c.peer(2, "POST", "/2pc/propose", proposal("1", "city", "Lyon")).status == 200u);
  BOOST_TEST(c.peer(2, "POST", "/2pc/commit/1").status == 200u);
  BOOST_TEST(c.peer(2, "POST", "/2pc/propose", proposal("1", "city", "Nice")).status == 200u);
  BOOST_TEST(c.prepared(2) == 1u);                                                // a yes is a prepared record
  BOOST_TEST((c.put(0, "city", "Rome").outcome == Outcome::rejected));           // and a held lock
  BOOST_TEST(c.peer(2, "POST", "/2pc/rollback/1").status == 200u);
  BOOST_TEST(c.value(2, "city").value_or("<none>") == "Lyon");
  BOOST_TEST((c.put(0, "city", "Rome").outcome == Outcome::applied));
}

BOOST_AUTO_TEST_CASE(a_reused_transaction_id_gets_no_yes_without_a_prepared_record) {
  CaCluster c;
  const auto from_node_2 = R"(,"coordinator":"127.0.0.2:3002"})";
  auto coordinated = [&](const char* id, const char* key) {
    return std::string(R"({"id":")") + id + R"(","key":")" + key + R"(","val":"v")" + from_node_2;
  };
  BOOST_TEST(c.peer(2, "POST", "/2pc/propose", coordinated("x1", "a")).status == 200u);
  BOOST_TEST(c.peer(2, "POST", "/2pc/propose", coordinated("x1", "b")).status == 409u);  // another txn, same id
  BOOST_TEST(c.peer(2, "POST", "/2pc/commit/x1").status == 200u);
  BOOST_TEST(c.peer(2, "POST", "/2pc/propose", coordinated("x1", "b")).status == 409u);  // decided stays decided
  BOOST_TEST(c.peer(2, "POST", "/2pc/propose", proposal("x1", "b", "v")).status == 409u);
  BOOST_TEST(c.prepared(2) == 0u);
  BOOST_TEST((c.put(0, "b", "free").outcome == Outcome::applied));  // nothing holds "b"
}

BOOST_AUTO_TEST_CASE(transaction_records_stay_bounded_over_many_writes) {
  // Decided transactions every node acknowledged are forgotten everywhere; the rest stay.
  CaCluster c;
  constexpr int writes = 100000;
  std::size_t most = 0;  // records a node held at any check
  auto records = [&](std::size_t i) {
    std::size_t n = 0;
    c.disks[i].for_each(Keyspace::txn, [&](std::string_view, std::string_view) { ++n; });
    return n;
  };
  for (int k = 0; k < writes; ++k) {
    BOOST_TEST_REQUIRE((c.put(k % 5, "k" + std::to_string(k % 100), "v" + std::to_string(k)).outcome ==
                        Outcome::applied));
    if (k % 5000 == 4999)
      for (std::size_t i = 0; i < CaCluster::nodes; ++i) most = std::max(most, records(i));
  }
  test::settle(c.io, std::chrono::milliseconds(1500));  // the forget loop runs every 500 ms
  BOOST_TEST_MESSAGE("most transaction records on one node during 100,000 writes: " << most);
  BOOST_TEST(most < 20000u, "a node held " << most << " transaction records during 100,000 writes");
  for (std::size_t i = 0; i < CaCluster::nodes; ++i) {
    BOOST_TEST(records(i) < 100u, "node " << i + 1 << " keeps " << records(i) << " records");
    BOOST_TEST(c.value(i, "k99").value_or("<none>") == "v" + std::to_string(writes - 1));
  }
  c.check_invariants();
}

BOOST_AUTO_TEST_CASE(a_hand_made_commit_is_synced_before_it_is_acknowledged) {
  // bin/commit.sh's decision has no coordinator that could tell it again after a crash.
  CaCluster c;
  BOOST_TEST(c.peer(2, "POST", "/2pc/propose", proposal("t1", "city", "Lyon")).status == 200u);
  BOOST_TEST(c.peer(2, "POST", "/2pc/commit/t1").status == 200u);
  c.crash(2);  // loses whatever was not synced
  c.restart(2);
  BOOST_TEST(c.prepared(2) == 0u);
  BOOST_TEST(c.value(2, "city").value_or("<none>") == "Lyon");
}

BOOST_AUTO_TEST_CASE(hand_made_proposal_aborts_after_the_in_doubt_timeout) {
  CaCluster c;
  BOOST_TEST(c.peer(1, "POST", "/2pc/propose", proposal("forgotten", "city", "Lyon")).status == 200u);
  BOOST_TEST(c.prepared(1) == 1u);
  c.settle_all();  // in-doubt timeout is 600 ms in this cluster
  BOOST_TEST(c.prepared(1) == 0u);
  BOOST_TEST(c.states(1)["forgotten"] == "aborted");
  BOOST_TEST(!c.value(1, "city").has_value());
  BOOST_TEST((c.put(0, "city", "Rome").outcome == Outcome::applied));
}

BOOST_AUTO_TEST_CASE(coordinator_crash_before_proposing_leaves_nothing_behind) {
  CaCluster c;
  c.crash_coordinator_at("locked", 0, "city", "Rome", 100ms);
  for (std::size_t i = 1; i < CaCluster::nodes; ++i) BOOST_TEST(c.prepared(i) == 0u);
  c.restart(0);
  c.settle_all();
  for (std::size_t i = 0; i < CaCluster::nodes; ++i) BOOST_TEST(!c.value(i, "city").has_value());
  for (auto& [id, state] : c.states(0)) BOOST_TEST(state == "aborted", id);
  BOOST_TEST((c.put(0, "city", "Paris").outcome == Outcome::applied));
  c.expect_no_divergence();
}

BOOST_AUTO_TEST_CASE(coordinator_crash_after_votes_blocks_then_aborts_on_restart) {
  CaCluster c;
  c.crash_coordinator_at("voted", 0, "city", "Rome", 600ms);
  // Everyone voted yes and nobody knows the decision: 2PC blocks (cooperative termination
  // cannot decide), the key stays locked.
  for (std::size_t i = 1; i < CaCluster::nodes; ++i) BOOST_TEST(c.prepared(i) == 1u);
  BOOST_TEST((c.put(1, "city", "Paris").outcome == Outcome::rejected));
  c.restart(0);  // its log has no decision: presumed abort
  c.settle_all();
  BOOST_TEST(c.prepared_anywhere() == 0u);
  for (std::size_t i = 0; i < CaCluster::nodes; ++i) BOOST_TEST(!c.value(i, "city").has_value());
  BOOST_TEST((c.put(1, "city", "Paris").outcome == Outcome::applied));
  c.expect_no_divergence();
}

BOOST_AUTO_TEST_CASE(coordinator_crash_after_decision_commits_everywhere_on_restart) {
  CaCluster c;
  c.crash_coordinator_at("decided", 0, "city", "Rome", 300ms);
  BOOST_TEST(*c.value(0, "city") == "Rome");  // the decision is durable on the coordinator
  c.restart(0);
  c.settle_all();
  BOOST_TEST(c.prepared_anywhere() == 0u);
  for (std::size_t i = 0; i < CaCluster::nodes; ++i) BOOST_TEST(*c.value(i, "city") == "Rome");
  c.expect_no_divergence();
}

BOOST_AUTO_TEST_CASE(participant_that_missed_the_commit_learns_it_from_other_participants) {
  CaCluster c;
  c.hook = [&](std::string_view step) {
    if (step == "decided") c.network.cut(0, 4);  // node 5 never hears the decision from node 1
  };
  BOOST_TEST((c.put(0, "city", "Rome").outcome == Outcome::applied));
  c.hook = nullptr;
  BOOST_TEST(!c.value(4, "city").has_value());
  c.settle_all();  // node 5 cannot reach the coordinator: it asks the others (cooperative termination)
  BOOST_TEST(*c.value(4, "city") == "Rome");
  c.expect_no_divergence();
}

BOOST_AUTO_TEST_CASE(participant_crash_after_voting_yes_commits_on_restart) {
  CaCluster c;
  c.hook = [&](std::string_view step) {
    if (step == "voted") c.crash(2);
  };
  BOOST_TEST((c.put(0, "city", "Rome").outcome == Outcome::applied));
  c.hook = nullptr;
  BOOST_TEST(!c.value(2, "city").has_value());
  c.restart(2);  // finds its prepared record, asks the coordinator
  c.settle_all();
  BOOST_TEST(*c.value(2, "city") == "Rome");
  c.expect_no_divergence();
}

BOOST_AUTO_TEST_CASE(a_commit_a_participant_lost_unsynced_is_learned_again_from_the_coordinator) {
  // Participants write a coordinator's decision without a sync of their own. Node 3 loses it
  // in a crash right after acknowledging, and stays down while the coordinator's forget
  // rounds run: the coordinator must keep its record, or node 3 would later hear "presumed
  // abort" for a committed write.
  CaCluster c;
  BOOST_TEST((c.put(0, "city", "Rome").outcome == Outcome::applied));
  c.crash(2);
  test::settle(c.io, std::chrono::milliseconds(1500));  // forget rounds run every 500 ms
  c.restart(2);
  BOOST_TEST(c.prepared(2) == 1u);  // the commit was lost with the crash: in doubt again
  c.settle_all();
  BOOST_TEST(c.value(2, "city").value_or("<none>") == "Rome");
  c.expect_no_divergence();
}

BOOST_AUTO_TEST_CASE(concurrent_writes_to_one_key_never_diverge) {
  CaCluster c;
  c.io.restart();
  int done = 0, applied = 0;
  for (int w = 0; w < 20; ++w)
    boost::asio::co_spawn(c.io, c.modes[w % CaCluster::nodes]->put("city", "v" + std::to_string(w)),
                          [&](std::exception_ptr, Result r) {
                            ++done;
                            applied += r.outcome == Outcome::applied;
                          });
  for (int i = 0; i < 200 && done < 20; ++i) test::settle(c.io, 20ms);
  BOOST_TEST(done == 20);
  c.settle_all();
  c.expect_no_divergence();
  if (applied == 0) BOOST_TEST((c.put(0, "city", "last").outcome == Outcome::applied));
  BOOST_TEST(c.value(0, "city").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
