// A leader's view of one follower: probing until the logs match, then pipelining; back
// off on rejection, never below what the follower is known to store.
#include <boost/test/unit_test.hpp>

#include "modes/cp/progress.hpp"

using namespace sysdist::cp;

namespace {
RaftLog leader_log(std::vector<std::uint64_t> terms) {
  RaftLog log;
  for (auto t : terms) log.append(Entry{t, ""});
  return log;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(raft_progress)

BOOST_AUTO_TEST_CASE(probe_sends_one_at_a_time_until_a_match_then_pipelines) {
  Progress p(10, 4);
  BOOST_TEST(p.probing());
  BOOST_TEST(p.next() == 11u);
  p.sent(10);
  BOOST_TEST(!p.can_send());  // probing: one in flight
  p.acknowledged(10);
  BOOST_TEST(!p.probing());
  BOOST_TEST(p.match() == 10u);
  for (std::uint64_t last : {12, 14, 16, 18}) {
    BOOST_TEST(p.can_send());
    p.sent(last);
  }
  BOOST_TEST(!p.can_send());  // the window of 4 is full
  BOOST_TEST(p.next() == 19u);
  p.acknowledged(12);
  BOOST_TEST(p.can_send());
  p.acknowledged(11);  // stale: out of order, already covered
  BOOST_TEST(p.match() == 12u);
}

BOOST_AUTO_TEST_CASE(rejection_backs_off_by_term_but_never_below_match) {
  auto log = leader_log({1, 1, 2, 2, 3, 3});
  Progress p(6, 4);
  p.sent(6);
  p.rejected(Conflict{2, 3}, log);  // follower has term 2 from index 3 on
  BOOST_TEST(p.probing());
  BOOST_TEST(p.next() == 5u);  // after our last term-2 entry
  p.sent(6);
  p.acknowledged(6);
  p.sent(6);
  p.rejected(Conflict{0, 1}, log);  // a confused or restarted follower
  BOOST_TEST(p.next() == 7u);       // never below match + 1
}

BOOST_AUTO_TEST_CASE(failure_resends_from_the_last_match) {
  Progress p(3, 4);
  p.sent(3);
  p.acknowledged(3);
  p.sent(5);
  p.sent(8);
  p.failed();
  BOOST_TEST(p.probing());
  BOOST_TEST(p.next() == 4u);
  BOOST_TEST(p.in_flight() == 1u);
  p.acknowledged(3);  // the other call's stale answer
  BOOST_TEST(!p.can_send());  // paused: an unreachable follower is not flooded
  p.resume();                 // the next heartbeat
  BOOST_TEST(p.can_send());
}

BOOST_AUTO_TEST_CASE(rejection_at_the_match_pauses_until_the_next_heartbeat) {
  RaftLog log;
  for (int i = 0; i < 10; ++i) log.append(Entry{1, "x"});
  Progress p(10, 4);
  p.sent(10);
  p.acknowledged(7);
  p.sent(10);
  p.rejected(Conflict{0, 1}, log);  // the follower now claims an empty log
  BOOST_TEST(p.next() == 8u);       // never below the acknowledged match
  p.sent(10);
  p.rejected(Conflict{0, 1}, log);  // the same again: no further back-off possible
  BOOST_TEST(!p.can_send());
  p.resume();
  BOOST_TEST(p.can_send());
}

BOOST_AUTO_TEST_SUITE_END()
