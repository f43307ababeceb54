// The console narration (common/narrator.hpp): one line per step at demo rates, a summary
// line per second under load, in virtual time.
#include <sstream>
#include <thread>

#include <boost/test/unit_test.hpp>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "common/logging.hpp"
#include "common/narrator.hpp"
#include "in_process_cluster.hpp"

using namespace sysdist;

BOOST_AUTO_TEST_SUITE(narrator)

BOOST_AUTO_TEST_CASE(every_step_is_told_at_demo_rates_and_summed_up_under_load) {
  VirtualTime time;
  std::ostringstream out;
  auto log = std::make_shared<spdlog::logger>("narrator-test", std::make_shared<spdlog::sinks::ostream_sink_mt>(out));
  log->set_pattern("%v");
  log->set_level(spdlog::level::info);
  Narrator narrator(log, "applied", 3);
  auto lines = [&] {
    std::size_t n = 0;
    for (auto c : out.str()) n += c == '\n';
    return n;
  };
  narrator.step([] { return std::string("step 1"); });
  narrator.step([] { return std::string("step 2"); });
  BOOST_TEST(lines() == 2u);  // demo rate: each step its own line
  for (int i = 3; i <= 10; ++i) narrator.step([i] { return "step " + std::to_string(i); });
  BOOST_TEST(lines() == 3u);  // the fourth and later steps of this second are held back
  time.advance_to(time.now() + std::chrono::milliseconds(1500));
  narrator.step([] { return std::string("step 11"); });
  BOOST_TEST(out.str().find("applied 7 more in the last second") != std::string::npos, out.str());
  BOOST_TEST(out.str().find("step 11") != std::string::npos);
  BOOST_TEST(lines() == 5u);
}

namespace {
// The lines a mode's console logger prints from now on that contain `text`.
struct ConsoleTap {
  explicit ConsoleTap(const std::string& component) : log(logger(component)) {
    log->sinks().push_back(std::make_shared<spdlog::sinks::ostream_sink_st>(out));
    log->set_level(spdlog::level::info);
  }
  std::size_t lines_with(const std::string& text) const {
    std::istringstream in(out.str());
    std::size_t n = 0;
    for (std::string line; std::getline(in, line);) n += line.find(text) != std::string::npos;
    return n;
  }
  std::shared_ptr<spdlog::logger> log;
  std::ostringstream out;
};
}  // namespace

// A load test's writes would otherwise print two to four lines each on every node (here the
// five in-process nodes share one console: 20 lines a second each).
BOOST_AUTO_TEST_CASE(ap_and_ca_writes_under_load_are_summed_up_not_printed_one_by_one) {
  constexpr int writes = 1000;  // a fraction of a second in memory
  auto write_all = [](auto& cluster) {
    for (int k = 0; k < writes; ++k)
      BOOST_TEST_REQUIRE((cluster.put(0, "k" + std::to_string(k % 10), "v").outcome == Outcome::applied));
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // the next second's first write sums up
    BOOST_TEST_REQUIRE((cluster.put(0, "after", "v").outcome == Outcome::applied));
  };
  {
    ConsoleTap console("ap");
    test::ApCluster c;
    write_all(c);
    BOOST_TEST(console.lines_with("-> replicas") < writes / 2u, console.lines_with("-> replicas") << " PUT lines");
    BOOST_TEST(console.lines_with("-> 201") < writes / 2u);
    BOOST_TEST(console.lines_with("PUT requests:") >= 1u);  // what was held back is counted
    const auto replicas = c.replicas_of("k0");
    c.crash(replicas[0] != 0 ? replicas[0] : replicas[1]);  // k0's writes now go to a stand-in, which keeps hints
    write_all(c);
    BOOST_TEST(console.lines_with("keeping a hint") > 0u);
    BOOST_TEST(console.lines_with("keeping a hint") < writes / 5u,
               console.lines_with("keeping a hint") << " hint lines");
    BOOST_TEST(console.lines_with("stands in") < writes / 5u, console.lines_with("stands in") << " stand-in lines");
  }
  ConsoleTap console("ca");
  test::CaCluster c;
  write_all(c);
  BOOST_TEST(console.lines_with("PROPOSE") < writes / 2u, console.lines_with("PROPOSE") << " PROPOSE lines");
  BOOST_TEST(console.lines_with("vote YES") < writes / 2u);
  BOOST_TEST(console.lines_with("COMMITTED") < writes / 2u);
  BOOST_TEST(console.lines_with("transactions proposed:") >= 1u);
}

BOOST_AUTO_TEST_SUITE_END()
