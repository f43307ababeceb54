// sysdist-sim: randomized fault schedules of one mode on the deterministic simulator.
//   sysdist-sim --mode CA|AP|CP [--seed S] [--runs N] [--seconds T] [--steps I,J,...] [--jobs J]
// Run k uses seed S+k; J runs at a time on their own threads (each its own World). Prints one line per failing run (its seed, what broke, the shrunk
// schedule and the command that replays it) and ends with
//   runs R, failures F, schedules per minute X, trace digest D
// where D is the digest of the run's full event trace (with --runs 1; otherwise a digest of
// all runs' digests): two runs of one seed print the same D.
#include <atomic>
#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>

#include <boost/program_options.hpp>

#include "sim/simulation.hpp"

namespace po = boost::program_options;
using namespace sysdist::sim;

namespace {

std::vector<std::size_t> parse_steps(const std::string& text) {
  std::vector<std::size_t> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(std::stoul(item));
  return out;
}

std::string join(const std::vector<std::size_t>& steps) {
  std::string out;
  for (auto s : steps) out += (out.empty() ? "" : ",") + std::to_string(s);
  return out;
}

std::string hex(std::uint64_t v) {
  std::ostringstream out;
  out << std::hex << v;
  return out.str();
}

}  // namespace

int main(int argc, char** argv) {
  RunOptions base;
  std::uint64_t runs = 0;
  double seconds = 0;
  std::string steps_text, trace_file;
  bool shrink_failures = true;
  unsigned jobs = std::max(1u, std::thread::hardware_concurrency());
  po::options_description options("sysdist-sim options");
  options.add_options()("help,h", "this help")
    ("mode", po::value(&base.mode)->default_value("CP"), "CA, AP or CP")
    ("seed", po::value<std::uint64_t>(), "first seed (default: random)")
    ("runs", po::value(&runs), "number of runs (default 100, or unlimited with --seconds)")
    ("seconds", po::value(&seconds), "stop starting runs after this many seconds")
    ("length", po::value(&base.schedule_length)->default_value(10), "fault steps per schedule")
    ("steps", po::value(&steps_text), "replay only these steps (0-based) of the seed's schedule")
    ("trace", po::value(&trace_file), "write the full event trace of the (single) run to this file")
    ("jobs", po::value(&jobs), "runs at a time, one thread each (default: one per core)")
    ("no-shrink", "report failures without shrinking them");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, options), vm);
    po::notify(vm);
  } catch (const std::exception& e) {
    std::cerr << "sysdist-sim: " << e.what() << "\n" << options;
    return 2;
  }
  if (vm.count("help")) {
    std::cout << options;
    return 0;
  }
  if (base.mode != "CA" && base.mode != "AP" && base.mode != "CP") {
    std::cerr << "sysdist-sim: --mode must be CA, AP or CP\n";
    return 2;
  }
  shrink_failures = !vm.count("no-shrink");
  const std::uint64_t first = vm.count("seed") ? vm["seed"].as<std::uint64_t>() : std::random_device{}() % 1'000'000'000;
  if (!vm.count("runs")) runs = seconds > 0 ? UINT64_MAX : 100;
  if (!steps_text.empty()) {
    const auto all = make_schedule(first, base.schedule_length);
    for (auto i : parse_steps(steps_text))
      if (i < all.size()) base.steps.push_back(all[i]);
  }
  base.keep_trace = !trace_file.empty();
  if (base.keep_trace || jobs == 0) jobs = 1;
  std::cout << base.mode << ": seeds from " << first << ", " << base.schedule_length << " fault steps per run\n";

  const auto started = std::chrono::steady_clock::now();
  const auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(); };
  // Workers take seeds in turn; each run is its own World on its own thread.
  std::mutex report;
  std::atomic<std::uint64_t> next{0};
  std::map<std::uint64_t, std::uint64_t> digests;  // run k -> its digest (combined in seed order)
  std::uint64_t failures = 0;
  auto work = [&] {
    for (std::uint64_t k; (k = next++) < runs && (seconds <= 0 || elapsed() < seconds);) {
      auto options_k = base;
      options_k.seed = first + k;
      auto result = run_once(options_k);
      std::string line;
      if (result.failure) {
        std::string replay = "bin/sim --mode " + base.mode + " --seed " + std::to_string(options_k.seed) + " --runs 1";
        if (!steps_text.empty()) replay += " --steps " + steps_text;
        if (shrink_failures && steps_text.empty()) replay += " --steps " + join(shrink(options_k));
        line = "FAIL seed " + std::to_string(options_k.seed) + ": " + *result.failure + "\n  replay: " + replay + "\n";
      }
      std::lock_guard lock(report);
      digests[k] = result.digest;
      if (!trace_file.empty()) std::ofstream(trace_file) << result.trace;
      if (result.failure) ++failures, std::cout << "\r" << line << std::flush;
      std::cerr << "\r  " << digests.size() << " runs, " << failures << " failures, " << static_cast<int>(elapsed())
                << " s   " << std::flush;
    }
  };
  std::vector<std::thread> workers;
  for (unsigned j = 0; j < jobs; ++j) workers.emplace_back(work);
  for (auto& w : workers) w.join();
  const auto done = digests.size();
  std::uint64_t combined = 14695981039346656037ull;
  for (auto& [k, digest] : digests)
    for (int b = 0; b < 8; ++b) combined = (combined ^ ((digest >> (8 * b)) & 0xff)) * 1099511628211ull;
  const auto last_digest = digests.empty() ? 0 : digests.begin()->second;
  std::cerr << "\r" << std::string(60, ' ') << "\r";
  const double minutes = std::max(elapsed(), 1e-3) / 60;
  std::cout << "runs " << done << ", failures " << failures << ", schedules per minute "
            << static_cast<long>(static_cast<double>(done) / minutes) << ", trace digest "
            << hex(done == 1 ? last_digest : combined) << "\n";
  return failures == 0 ? 0 : 1;
}
