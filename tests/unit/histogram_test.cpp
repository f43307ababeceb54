// The load generator's histogram: percentiles within a bucket's width of the truth, exact
// maximum, merging adds counts.
#include "tools/bench/histogram.hpp"

#include <boost/test/unit_test.hpp>

using sysdist::bench::Histogram;

BOOST_AUTO_TEST_SUITE(histogram)

BOOST_AUTO_TEST_CASE(percentiles_are_within_seven_percent_and_max_is_exact) {
  Histogram h;
  for (std::uint64_t v = 1; v <= 100000; ++v) h.record(v);
  for (double q : {0.5, 0.9, 0.99, 0.999}) {
    const double truth = q * 100000;
    const double got = static_cast<double>(h.quantile(q));
    BOOST_TEST(std::abs(got - truth) / truth < 0.07, "q=" << q << " got " << got);
  }
  BOOST_TEST(h.max() == 100000u);
  BOOST_TEST(h.count() == 100000u);
}

BOOST_AUTO_TEST_CASE(small_values_are_exact_and_empty_is_zero) {
  Histogram h;
  BOOST_TEST(h.quantile(0.5) == 0u);
  for (std::uint64_t v : {3, 3, 3, 7}) h.record(v);
  BOOST_TEST(h.quantile(0.5) == 3u);
  BOOST_TEST(h.quantile(1.0) == 7u);
}

BOOST_AUTO_TEST_CASE(merge_adds_counts_and_keeps_the_larger_max) {
  Histogram a, b;
  a.record(10);
  b.record(5000);
  b.record(20);
  a.merge(b);
  BOOST_TEST(a.count() == 3u);
  BOOST_TEST(a.max() == 5000u);
  BOOST_TEST(a.quantile(0.5) == 20u);
}

BOOST_AUTO_TEST_SUITE_END()
