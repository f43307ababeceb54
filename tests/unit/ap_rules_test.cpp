// The pure rules of AP mode: ring placement and balance, HLC ordering, records, Merkle
// diffs and the read tally.
#include <set>

#include <boost/test/unit_test.hpp>

#include "modes/ap/merkle.hpp"
#include "modes/ap/read_tally.hpp"
#include "modes/ap/ring.hpp"
#include "modes/ap/version.hpp"

using namespace sysdist;
using namespace sysdist::ap;

namespace {
Membership five() {
  Membership m;
  for (int x = 1; x <= 5; ++x)
    m.members.push_back({"127.0.0." + std::to_string(x), static_cast<unsigned short>(3000 + x)});
  return m;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(ap_rules)

BOOST_AUTO_TEST_CASE(preference_list_has_n_distinct_nodes_and_is_the_same_everywhere) {
  Ring ring(five()), again(five());
  for (int k = 0; k < 1000; ++k) {
    const auto key = "key" + std::to_string(k);
    auto list = ring.preference_list(key, 3);
    BOOST_TEST(list.size() == 3u);
    BOOST_TEST(std::set<std::size_t>(list.begin(), list.end()).size() == 3u);
    BOOST_TEST((list == again.preference_list(key, 3)));
    BOOST_TEST(ring.walk(key).size() == 5u);
  }
}

BOOST_AUTO_TEST_CASE(ring_spreads_keys_evenly_over_the_nodes) {
  Ring ring(five());
  std::vector<int> primary(5, 0);
  for (int k = 0; k < 10000; ++k) ++primary[ring.preference_list("k" + std::to_string(k), 1)[0]];
  for (int count : primary) BOOST_TEST((count > 1300 && count < 2700), "node owns " << count << " of 10000");
  double total = 0;
  for (double share : ring.ownership()) total += share;
  BOOST_TEST(total == 1.0, boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(hlc_never_goes_back_and_passes_what_it_saw) {
  HybridClock clock(1);
  auto a = clock.next(1000);
  auto b = clock.next(1000);  // same millisecond
  auto c = clock.next(900);   // wall clock stepped back
  BOOST_TEST((a < b && b < c));
  clock.observe(Version{5000, 7, 3});  // a node whose clock runs ahead
  auto d = clock.next(1001);
  BOOST_TEST((Version{5000, 7, 3} < d));
  BOOST_TEST((Version{10, 0, 1} < Version{10, 0, 2}));  // ties broken by node id
}

BOOST_AUTO_TEST_CASE(records_and_tombstones_round_trip_and_the_original_ts_parses) {
  Record value{std::string("Rome"), Version{1795488055318, 2, 4}};
  auto back = decode(encode(value));
  BOOST_REQUIRE(back.has_value());
  BOOST_TEST(*back->value == "Rome");
  BOOST_TEST((back->version == value.version));
  Record tombstone{std::nullopt, Version{7, 0, 1}};
  BOOST_TEST(decode(encode(tombstone))->deleted());
  auto original = decode(R"({"key":"city","val":"Atlantis","ts":1})");
  BOOST_REQUIRE(original.has_value());
  BOOST_TEST(original->version.wall_ms == 1u);
  BOOST_TEST(!decode(R"({"val":"x"})").has_value());
  BOOST_TEST(!decode(R"({"val":5,"ts":1})").has_value());
}

BOOST_AUTO_TEST_CASE(merkle_diff_finds_only_the_leaves_that_changed) {
  MerkleLeaves a, b;
  for (int k = 0; k < 1000; ++k) {
    Record r{std::string("v"), Version{static_cast<std::uint64_t>(k), 0, 1}};
    a.toggle("k" + std::to_string(k), r);
    b.toggle("k" + std::to_string(k), r);
  }
  BOOST_TEST(a.root() == b.root());
  b.toggle("k7", Record{std::string("v"), Version{7, 0, 1}});       // remove...
  b.toggle("k7", Record{std::string("new"), Version{9999, 0, 2}});  // ...and replace
  auto diff = MerkleLeaves::diff(a.leaves(), b.leaves());
  BOOST_TEST(a.root() != b.root());
  BOOST_TEST((diff == std::vector<std::size_t>{MerkleLeaves::leaf_of("k7")}));
}

BOOST_AUTO_TEST_CASE(read_tally_picks_the_newest_and_lists_stale_replicas) {
  ReadTally tally;
  tally.add(0, Record{std::string("old"), Version{1, 0, 1}});
  tally.add(1, Record{std::string("new"), Version{2, 0, 1}});
  tally.add(2, std::nullopt);
  BOOST_TEST(*tally.newest()->value == "new");
  BOOST_TEST((tally.stale() == std::vector<std::size_t>{0, 2}));
  ReadTally empty;
  empty.add(3, std::nullopt);
  BOOST_TEST(!empty.newest().has_value());
  BOOST_TEST(empty.stale().empty());
}

BOOST_AUTO_TEST_SUITE_END()
