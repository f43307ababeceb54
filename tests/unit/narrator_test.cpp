// The console narration (common/narrator.hpp): one line per step at demo rates, a summary
// line per second under load, in virtual time.
#include <sstream>

#include <boost/test/unit_test.hpp>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "common/narrator.hpp"

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

BOOST_AUTO_TEST_SUITE_END()
