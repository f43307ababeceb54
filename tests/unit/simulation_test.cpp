// The deterministic simulator (src/sim/): a seed replays to the same trace, byte for byte,
// and a fixed budget of randomized fault schedules per mode keeps every mode's promises.
// SYSDIST_SIM_RUNS=N runs N schedules per mode instead (bin/sim runs more, with shrinking).
#include <cstdlib>

#include <boost/test/unit_test.hpp>

#include "sim/simulation.hpp"

using namespace sysdist::sim;

namespace {

void run_schedules(const std::string& mode, unsigned runs) {
  if (const char* wanted = std::getenv("SYSDIST_SIM_RUNS")) runs = static_cast<unsigned>(std::stoul(wanted));
  std::size_t ops = 0;
  for (unsigned seed = 1; seed <= runs; ++seed) {
    RunOptions options;
    options.mode = mode;
    options.seed = seed;
    auto result = run_once(options);
    ops += result.ops;
    BOOST_TEST(!result.failure.has_value(), mode << " seed " << seed << ": " << result.failure.value_or("")
                                                  << " (replay: bin/sim --mode " << mode << " --seed " << seed
                                                  << " --runs 1)");
  }
  BOOST_TEST_MESSAGE(mode << ": " << runs << " schedules, " << ops << " client operations");
  BOOST_TEST(ops > runs * 50u);  // the clients did work in every run, not only the faults
}

}  // namespace

BOOST_AUTO_TEST_SUITE(simulation)

BOOST_AUTO_TEST_CASE(a_seed_replays_to_the_same_trace_in_every_mode) {
  for (std::string mode : {"CA", "AP", "CP"}) {
    BOOST_TEST_CONTEXT(mode) {
      RunOptions options;
      options.mode = mode;
      options.seed = 42;
      options.keep_trace = true;
      auto first = run_once(options), second = run_once(options);
      BOOST_TEST(first.trace.size() > 10'000u);  // messages, faults and client operations
      BOOST_TEST((first.trace == second.trace));
      BOOST_TEST(first.digest == second.digest);
      options.seed = 43;
      BOOST_TEST(run_once(options).digest != first.digest);
    }
  }
}

BOOST_AUTO_TEST_CASE(cp_schedules_keep_raft_safe_and_the_history_linearizable) { run_schedules("CP", 300); }
BOOST_AUTO_TEST_CASE(ca_schedules_keep_transactions_atomic_and_the_nodes_in_agreement) { run_schedules("CA", 100); }
BOOST_AUTO_TEST_CASE(ap_schedules_converge_on_the_newest_version_of_every_key) { run_schedules("AP", 300); }

// Schedules that found bugs, outside the seed ranges above. CP 468: a write whose index a
// snapshot covered before its proposer looked was answered 503 although it had applied.
// (Seeds 28, 111, 138 and 13 more of 1-300 fail without the fix of a snapshot installed
// under a pending apply batch.) CA 150795582 and 966068125: a participant in doubt asked the
// other participants after the decision had reached it and everyone had forgotten the
// transaction, so they recorded a presumed abort of a committed one.
BOOST_AUTO_TEST_CASE(schedules_that_once_failed_pass) {
  for (auto [mode, seed] : {std::pair<const char*, std::uint64_t>{"CP", 468}, {"CA", 150795582}, {"CA", 966068125}}) {
    RunOptions options;
    options.mode = mode;
    options.seed = static_cast<std::uint64_t>(seed);
    auto result = run_once(options);
    BOOST_TEST(!result.failure.has_value(), mode << " seed " << seed << ": " << result.failure.value_or(""));
  }
}

BOOST_AUTO_TEST_SUITE_END()
