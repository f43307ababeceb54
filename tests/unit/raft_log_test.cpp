// CP mode's pure Raft rules: log matching and truncation, fast back-tracking, the vote's
// up-to-date check, and the commit rule (majority, current term only).
#include "modes/cp/raft_log.hpp"

#include <boost/test/unit_test.hpp>

using namespace sysdist::cp;

namespace {
RaftLog log_with_terms(std::vector<std::uint64_t> terms) {
  RaftLog log;
  for (auto t : terms) log.append(Entry{t, "c" + std::to_string(log.last_index() + 1)});
  return log;
}
std::vector<Entry> entries(std::vector<std::uint64_t> terms) {
  std::vector<Entry> out;
  for (auto t : terms) out.push_back(Entry{t, "x"});
  return out;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(raft_log)

BOOST_AUTO_TEST_CASE(follower_accepts_entries_that_match_and_rejects_a_gap) {
  auto log = log_with_terms({1, 1, 2});
  auto gap = log.accept(5, 2, entries({2}));
  BOOST_TEST(!gap.ok);
  BOOST_TEST(gap.conflict.term == 0u);
  BOOST_TEST(gap.conflict.index == 4u);  // "send from my end"
  auto ok = log.accept(3, 2, entries({2, 3}));
  BOOST_TEST(ok.ok);
  BOOST_TEST(ok.first_new == 4u);
  BOOST_TEST(log.last_index() == 5u);
  BOOST_TEST(log.last_term() == 3u);
}

BOOST_AUTO_TEST_CASE(conflicting_suffix_is_truncated_and_replaced) {
  auto log = log_with_terms({1, 1, 2, 2, 2});  // entries 3..5 of term 2 never committed
  auto result = log.accept(2, 1, entries({3, 3}));
  BOOST_TEST(result.ok);
  BOOST_TEST(result.first_new == 3u);
  BOOST_TEST(log.last_index() == 4u);
  BOOST_TEST(*log.term_at(3) == 3u);
  BOOST_TEST(*log.term_at(4) == 3u);
}

BOOST_AUTO_TEST_CASE(repeated_append_entries_changes_nothing) {
  auto log = log_with_terms({1, 2, 2});
  auto again = log.accept(1, 1, entries({2, 2}));
  BOOST_TEST(again.ok);
  BOOST_TEST(again.first_new == 4u);  // nothing new
  BOOST_TEST(log.last_index() == 3u);
  auto stale = log.accept(1, 1, entries({2}));  // an old, shorter AppendEntries must not truncate
  BOOST_TEST(stale.ok);
  BOOST_TEST(log.last_index() == 3u);
}

BOOST_AUTO_TEST_CASE(mismatch_reports_the_first_index_of_the_conflicting_term) {
  auto follower = log_with_terms({1, 2, 2, 2, 2});
  auto result = follower.accept(5, 3, entries({3}));
  BOOST_TEST(!result.ok);
  BOOST_TEST(result.conflict.term == 2u);
  BOOST_TEST(result.conflict.index == 2u);
  // A leader without term 2 skips the whole term; one with it retries after its last term-2 entry.
  auto leader_without = log_with_terms({1, 3, 3, 3, 3, 3});
  BOOST_TEST(leader_without.next_after_conflict(result.conflict) == 2u);
  auto leader_with = log_with_terms({1, 2, 2, 3, 3, 3});
  BOOST_TEST(leader_with.next_after_conflict(result.conflict) == 4u);
}

BOOST_AUTO_TEST_CASE(candidate_with_stale_log_gets_no_vote) {
  auto voter = log_with_terms({1, 1, 2});
  BOOST_TEST(!candidate_log_is_up_to_date(1, 10, voter));  // longer, but an older last term
  BOOST_TEST(!candidate_log_is_up_to_date(2, 2, voter));   // same term, shorter
  BOOST_TEST(candidate_log_is_up_to_date(2, 3, voter));
  BOOST_TEST(candidate_log_is_up_to_date(3, 1, voter));
}

BOOST_AUTO_TEST_CASE(only_entries_of_the_current_term_commit_by_counting) {
  auto log = log_with_terms({1, 2, 2, 4});
  // Index 3 (term 2) is on a majority, but the leader is in term 4: not committed by counting.
  BOOST_TEST(commit_index_for({4, 3, 3, 1, 1}, 4, log, 1) == 1u);
  // Once index 4 (term 4) is on a majority, it and everything before it commit.
  BOOST_TEST(commit_index_for({4, 4, 4, 1, 1}, 4, log, 1) == 4u);
  // A minority never commits; the commit index never goes back.
  BOOST_TEST(commit_index_for({4, 4, 1, 1, 1}, 4, log, 1) == 1u);
  BOOST_TEST(commit_index_for({4, 1, 1, 1, 1}, 4, log, 3) == 3u);
}

BOOST_AUTO_TEST_CASE(compaction_keeps_the_last_included_term_for_the_consistency_check) {
  auto log = log_with_terms({1, 1, 2, 2, 3});
  log.compact(3, 2);
  BOOST_TEST(log.snapshot_index() == 3u);
  BOOST_TEST(log.last_index() == 5u);
  BOOST_TEST(!log.term_at(2).has_value());
  BOOST_TEST(*log.term_at(3) == 2u);
  BOOST_TEST(log.accept(3, 2, entries({2, 3, 3})).ok);
  BOOST_TEST(log.last_index() == 6u);
  BOOST_TEST(log.accept(1, 1, entries({1, 2, 2, 3})).ok);  // overlaps the snapshot: the overlap is skipped
  BOOST_TEST(log.slice(1, 10).size() == 3u);               // only what is left after the snapshot
  log.reset(10, 4);
  BOOST_TEST(log.last_index() == 10u);
  BOOST_TEST(log.last_term() == 4u);
}

BOOST_AUTO_TEST_SUITE_END()
