// Peers are input: every field of every peer message is checked before it touches state.
// Forged or out-of-range messages answer 400 and change nothing; the cluster keeps working.
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "in_process_cluster.hpp"
#include "modes/ap/messages.hpp"
#include "modes/cp/command.hpp"
#include "modes/cp/messages.hpp"
#include "peer/frames.hpp"

using namespace sysdist;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {
constexpr std::uint64_t huge = UINT64_MAX;

// An AppendEntries body as a forger would write it: any header, these entries.
std::string append_body(const std::string& header, const std::vector<std::pair<std::uint64_t, std::string>>& entries) {
  std::string body = header + "\n";
  for (auto& [term, command] : entries) append_frame(body, {std::to_string(term)}, command);
  return body;
}
std::string put_command(std::string key, std::string value) {
  return cp::encode(cp::Command{cp::Command::Op::put, std::move(key), std::move(value), {}});
}
}  // namespace

BOOST_AUTO_TEST_SUITE(peer_input)

BOOST_AUTO_TEST_CASE(raft_messages_with_forged_fields_answer_400_and_change_nothing) {
  test::CpCluster c;
  const auto leader = *c.leader();
  BOOST_REQUIRE((c.put(leader, "city", "Rome").outcome == Outcome::applied));
  const auto target = (leader + 1) % test::CpCluster::nodes;
  const auto term = c.term(target);
  const auto last = c.modes[target]->raft().log().last_index();
  const auto t = std::to_string(term);
  const std::vector<std::pair<std::string, std::string>> forged = {
      {"/raft/append", append_body(R"({"term":)" + t + R"(,"leader":4294967295,"prev_index":0,"prev_term":0,"commit":0})", {})},
      {"/raft/append", append_body(R"({"term":)" + std::to_string(huge) + R"(,"leader":0,"prev_index":0,"prev_term":0,"commit":0})", {})},
      {"/raft/append", append_body(R"({"term":1e300,"leader":0,"prev_index":0,"prev_term":0,"commit":0})", {})},
      {"/raft/append", append_body(R"({"term":)" + t + R"(,"leader":)" + std::to_string(target) +
                                       R"(,"prev_index":0,"prev_term":0,"commit":0})", {})},  // itself as leader
      {"/raft/append", append_body(R"({"term":)" + t + R"(,"leader":)" + std::to_string(leader) + R"(,"prev_index":)" +
                                       std::to_string(huge - 1) + R"(,"prev_term":0,"commit":0})",
                                   {{term, put_command("k", "v")}})},  // prev_index + entries would wrap
      {"/raft/append", append_body(R"({"term":)" + t + R"(,"leader":)" + std::to_string(leader) + R"(,"prev_index":)" +
                                       std::to_string(last) + R"(,"prev_term":)" + t + R"(,"commit":0})",
                                   {{term + 1, put_command("k", "v")}})},  // an entry from a later term
      {"/raft/append", append_body(R"({"term":)" + t + R"(,"leader":)" + std::to_string(leader) + R"(,"prev_index":)" +
                                       std::to_string(last) + R"(,"prev_term":)" + t + R"(,"commit":0})",
                                   {{term, "not a command"}})},
      {"/raft/append", R"({"term":1,"leader":0})"},  // no header line
      {"/raft/vote", R"({"term":)" + std::to_string(huge) + R"(,"candidate":0,"last_index":0,"last_term":0})"},
      {"/raft/vote", R"({"term":99,"candidate":77,"last_index":0,"last_term":0})"},
      {"/raft/prevote", R"({"term":99,"candidate":-1,"last_index":0,"last_term":0})"},
      {"/raft/snapshot", R"({"term":)" + t + R"(,"leader":)" + std::to_string(leader) + R"(,"index":)" +
                             std::to_string(huge) + R"(,"last_term":1,"offset":0,"done":true})" + "\n"},
      {"/raft/snapshot", R"({"term":)" + t + R"(,"leader":)" + std::to_string(leader) +
                             R"(,"index":5,"last_term":)" + std::to_string(term + 1) + R"(,"offset":0,"done":true})" + "\n"},
      {"/raft/forward", R"({"cmd":"{\"op\":\"put\",\"key\":\"\",\"val\":\"x\"}"})"},
  };
  for (const auto& [route, body] : forged) {
    auto reply = c.peer(target, "POST", route, body);
    BOOST_TEST(reply.status == 400u, route << " " << body.substr(0, 120) << " -> " << reply.status << " " << reply.body);
  }
  BOOST_TEST(c.term(target) == term);
  BOOST_TEST(c.modes[target]->raft().log().last_index() == last);
  BOOST_TEST(c.get(target, "city").value.value_or("<none>") == "Rome");
  BOOST_TEST((c.put(target, "city", "Paris").outcome == Outcome::applied));  // forwards to the real leader
  BOOST_TEST(c.get(target, "city").value.value_or("<none>") == "Paris");
}

BOOST_AUTO_TEST_CASE(a_leader_ignores_a_reply_that_claims_more_than_it_sent) {
  // A follower answering "match": 10^12 must not make the leader commit what nobody holds.
  test::CpCluster c;
  const auto leader = *c.leader();
  const auto liar = (leader + 1) % test::CpCluster::nodes;
  c.network.attach(liar, [](PeerRequest) -> asio::awaitable<PeerReply> {
    co_return PeerReply{200, R"({"term":1,"success":true,"match":1000000000000,"conflict_term":0,"conflict_index":0})"};
  });
  for (std::size_t i = 0; i < test::CpCluster::nodes; ++i)
    if (i != leader && i != liar) c.network.cut(leader, i);
  const auto commit = c.modes[leader]->raft().commit_index();
  c.io.restart();
  asio::co_spawn(c.io, c.modes[leader]->put("k", "v"), asio::detached);
  test::settle(c.io, 100ms);
  BOOST_TEST(c.modes[leader]->raft().commit_index() == commit);
}

BOOST_AUTO_TEST_CASE(ap_messages_from_the_far_future_or_naming_no_member_answer_400_and_change_nothing) {
  test::ApCluster c;
  BOOST_REQUIRE((c.put(0, "city", "Rome").outcome == Outcome::applied));
  const auto replica = c.replicas_of("city")[0];
  const auto future = std::to_string(wall_ms_now() + 3600 * 1000);  // an hour ahead
  const std::vector<std::pair<std::string, std::string>> forged = {
      {"/quorum/repair", R"({"key":"city","val":"Pinned","ts":18446744073709551615})"},
      {"/quorum/repair", R"({"key":"city","val":"Pinned","ts":1e300})"},
      {"/quorum/repair", R"({"key":"city","val":"Pinned","ts":)" + future + "}"},
      {"/quorum/repair", R"({"key":"city","val":"Pinned","ts":1,"node":77})"},
      {"/quorum/repair", R"({"key":"","val":"Pinned","ts":1})"},
      {"/ap/put", R"({"records":[{"key":"city","val":"Pinned","ts":)" + future + R"(,"logical":0,"node":1}]})"},
      {"/ap/put", R"({"records":[{"key":"city","val":"Pinned","ts":1,"logical":4294967296,"node":1}]})"},
      {"/ap/put", R"({"records":[],"hint_for":"10.0.0.9:1"})"},
      {"/ap/put", R"({"records":{}})"},
      {"/ap/merkle", R"({"from":99,"root":1})"},
      {"/ap/merkle", R"({"from":-1,"root":1})"},
      {"/ap/entries", R"({"from":1,"leaves":[100000]})"},
      {"/ap/entries", R"({"from":1,"leaves":[0],"after":7})"},
  };
  for (const auto& [route, body] : forged) {
    auto reply = c.peer(replica, "POST", route, body);
    BOOST_TEST(reply.status == 400u, route << " " << body << " -> " << reply.status << " " << reply.body);
  }
  BOOST_TEST(c.record(replica, "city")->value.value_or("") == "Rome");
  BOOST_TEST((c.put(1, "city", "Paris").outcome == Outcome::applied));  // nothing pinned the key
  BOOST_TEST(c.get(2, "city").value.value_or("<none>") == "Paris");
  // The original's trick (an old ts, no node) still works.
  BOOST_TEST(c.peer(replica, "POST", "/quorum/repair", R"({"key":"city","val":"Atlantis","ts":1})").status == 200u);
}

BOOST_AUTO_TEST_CASE(two_phase_commit_messages_naming_the_receiver_or_odd_ids_answer_400_and_change_nothing) {
  test::CaCluster c;
  const auto self = c.configs[2].membership.me().address();
  const std::vector<std::tuple<std::string, std::string, std::string>> forged = {
      {"POST", "/2pc/propose", R"({"id":"t1","key":"city","val":"Lyon","coordinator":")" + self + R"("})"},
      {"POST", "/2pc/propose", R"({"id":"t1","key":"city","val":"Lyon","coordinator":"10.9.9.9:1"})"},
      {"POST", "/2pc/propose", R"({"id":"t 1","key":"city","val":"Lyon"})"},
      {"POST", "/2pc/propose", R"({"id":")" + std::string(65, 'x') + R"(","key":"city","val":"Lyon"})"},
      {"POST", "/2pc/propose", R"({"id":"t1","key":"","val":"Lyon"})"},
      {"POST", "/2pc/rollback/" + std::string(2000, 'x'), ""},
      {"POST", "/2pc/commit/%1b%5b2J", ""},
      {"GET", "/2pc/txn/" + std::string(65, 'y'), ""},
      {"POST", "/2pc/forget", R"({"ids":["ok","not ok"]})"},
      {"POST", "/2pc/forget", R"({"ids":"1"})"},
      {"POST", "/2pc/sync", R"({"ids":["ok","not ok"]})"},
      {"POST", "/2pc/sync", R"({"ids":{}})"},
  };
  for (const auto& [method, route, body] : forged) {
    auto reply = c.peer(2, method, route, body);
    BOOST_TEST(reply.status == 400u, route.substr(0, 80) << " " << body << " -> " << reply.status << " " << reply.body);
  }
  BOOST_TEST(c.prepared(2) == 0u);
  BOOST_TEST(c.states(2).empty());  // no record written for any of them
  BOOST_TEST((c.put(0, "city", "Rome").outcome == Outcome::applied));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(cp_forward)

// A forwarded write's answer is the leader's Result itself: every outcome and code arrive
// unchanged (a leadership_lost once arrived as no_leader), and a reply that cannot be read,
// or none at all, is "unknown": the leader may have proposed the write.
BOOST_AUTO_TEST_CASE(the_leaders_outcome_reaches_the_follower_unchanged) {
  for (auto outcome : {Outcome::applied, Outcome::precondition_failed, Outcome::unavailable, Outcome::unknown,
                       Outcome::rejected}) {
    auto sent = Result::fail(outcome, "leadership_lost", "why");
    auto got = cp::result_of_forward(PeerResult{{}, PeerReply{200, cp::forward_reply_body(sent)}});
    BOOST_TEST((got.outcome == outcome));
    BOOST_TEST(got.code == "leadership_lost");
    BOOST_TEST(got.message == "why");
  }
  auto garbled = cp::result_of_forward(PeerResult{{}, PeerReply{200, R"({"outcome":"maybe","code":"","message":""})"}});
  BOOST_TEST((garbled.outcome == Outcome::unknown));
  auto silent = cp::result_of_forward(PeerResult{boost::asio::error::timed_out, {}});
  BOOST_TEST((silent.outcome == Outcome::unknown));
  auto refused = cp::result_of_forward(PeerResult{{}, error_reply(400, "bad_message", "Expected a command")});
  BOOST_TEST((refused.outcome == Outcome::invalid));
}

BOOST_AUTO_TEST_SUITE_END()
