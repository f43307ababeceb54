// The pure rules of CA mode: per-key locks, the vote tally, transaction records and ids.
#include <boost/test/unit_test.hpp>

#include "modes/ca/lock_table.hpp"
#include "modes/ca/txn.hpp"
#include "modes/ca/vote_tally.hpp"

using namespace sysdist::ca;

BOOST_AUTO_TEST_SUITE(ca_rules)

BOOST_AUTO_TEST_CASE(one_transaction_per_key_holds_the_lock) {
  LockTable locks;
  BOOST_TEST(locks.try_lock("city", "t1"));
  BOOST_TEST(locks.try_lock("city", "t1"));  // re-entrant for the same transaction
  BOOST_TEST(!locks.try_lock("city", "t2"));
  BOOST_TEST(locks.try_lock("other", "t2"));
  BOOST_TEST(*locks.holder("city") == "t1");
}

BOOST_AUTO_TEST_CASE(only_the_holder_releases_a_lock) {
  LockTable locks;
  locks.try_lock("city", "t1");
  locks.unlock("city", "t2");
  BOOST_TEST(*locks.holder("city") == "t1");
  locks.unlock("city", "t1");
  BOOST_TEST(!locks.holder("city").has_value());
  BOOST_TEST(locks.try_lock("city", "t2"));
}

BOOST_AUTO_TEST_CASE(commit_needs_every_vote_yes) {
  VoteTally all(3);
  all.record("a", Vote::yes);
  all.record("b", Vote::yes);
  BOOST_TEST(!all.all_yes());
  all.record("c", Vote::yes);
  BOOST_TEST(all.all_yes());

  VoteTally one_missing(3);
  one_missing.record("a", Vote::yes);
  one_missing.record("b", Vote::yes);
  one_missing.record("c", Vote::missing);
  BOOST_TEST(!one_missing.all_yes());
  BOOST_TEST(!one_missing.any_no());
  BOOST_TEST(one_missing.explain() == "2/3 yes; no answer from c");

  VoteTally one_no(3);
  one_no.record("a", Vote::yes);
  one_no.record("b", Vote::no, "key locked");
  BOOST_TEST(one_no.any_no());
  BOOST_TEST(one_no.explain() == "1/3 yes; no from b (key locked)");
}

BOOST_AUTO_TEST_CASE(transaction_record_round_trips_through_json) {
  Txn put{"3001-2-7", "city", std::string("Rome"), "127.0.0.1:3001", TxnState::prepared};
  auto back = decode(encode(put));
  BOOST_REQUIRE(back.has_value());
  BOOST_TEST(back->id == put.id);
  BOOST_TEST(back->key == put.key);
  BOOST_TEST(*back->value == "Rome");
  BOOST_TEST(back->coordinator == put.coordinator);
  BOOST_TEST((back->state == TxnState::prepared));

  Txn del{"x", "k", std::nullopt, "", TxnState::aborted};
  auto back_del = decode(encode(del));
  BOOST_REQUIRE(back_del.has_value());
  BOOST_TEST(!back_del->value.has_value());
  BOOST_TEST((back_del->state == TxnState::aborted));
  BOOST_TEST(!decode("{not json").has_value());
  BOOST_TEST(!decode(R"({"id":"x","key":"k","coordinator":"","state":"weird"})").has_value());
}

BOOST_AUTO_TEST_CASE(transaction_ids_differ_across_nodes_restarts_and_sequence) {
  BOOST_TEST(make_txn_id(3001, 1, 1) != make_txn_id(3002, 1, 1));
  BOOST_TEST(make_txn_id(3001, 1, 1) != make_txn_id(3001, 2, 1));
  BOOST_TEST(make_txn_id(3001, 1, 1) != make_txn_id(3001, 1, 2));
  BOOST_TEST(make_txn_id(3, 4, 17) == "n3-4-17");
}

BOOST_AUTO_TEST_SUITE_END()
