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
#include <optional>
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

// What the command line asks for.
struct Plan {
  RunOptions base;
  std::uint64_t first = 0, runs = 0;
  double seconds = 0;
  std::string steps_text, trace_file;
  bool shrink_failures = true;
  unsigned jobs = 1;
};

// Parses the command line; nullopt with `exit_code` set when the program should end now.
std::optional<Plan> parse(int argc, char** argv, int& exit_code) {
  Plan plan;
  plan.jobs = std::max(1u, std::thread::hardware_concurrency());
  po::options_description options("sysdist-sim options");
  options.add_options()("help,h", "this help")
    ("mode", po::value(&plan.base.mode)->default_value("CP"), "CA, AP or CP")
    ("seed", po::value<std::uint64_t>(), "first seed (default: random)")
    ("runs", po::value(&plan.runs), "number of runs (default 100, or unlimited with --seconds)")
    ("seconds", po::value(&plan.seconds), "stop starting runs after this many seconds")
    ("length", po::value(&plan.base.schedule_length)->default_value(10), "fault steps per schedule")
    ("steps", po::value(&plan.steps_text), "replay only these steps (0-based) of the seed's schedule")
    ("trace", po::value(&plan.trace_file), "write the full event trace of the (single) run to this file")
    ("jobs", po::value(&plan.jobs), "runs at a time, one thread each (default: one per core)")
    ("no-shrink", "report failures without shrinking them");
  po::variables_map vm;
  exit_code = 2;
  try {
    po::store(po::parse_command_line(argc, argv, options), vm);
    po::notify(vm);
  } catch (const std::exception& e) {
    std::cerr << "sysdist-sim: " << e.what() << "\n" << options;
    return std::nullopt;
  }
  if (vm.count("help")) {
    std::cout << options;
    exit_code = 0;
    return std::nullopt;
  }
  if (plan.base.mode != "CA" && plan.base.mode != "AP" && plan.base.mode != "CP") {
    std::cerr << "sysdist-sim: --mode must be CA, AP or CP\n";
    return std::nullopt;
  }
  plan.shrink_failures = !vm.count("no-shrink");
  plan.first = vm.count("seed") ? vm["seed"].as<std::uint64_t>() : std::random_device{}() % 1'000'000'000;
  if (!vm.count("runs")) plan.runs = plan.seconds > 0 ? UINT64_MAX : 100;
  if (!plan.steps_text.empty()) {
    const auto all = make_schedule(plan.first, plan.base.schedule_length);
    for (auto i : parse_steps(plan.steps_text))
      if (i < all.size()) plan.base.steps.push_back(all[i]);
  }
  plan.base.keep_trace = !plan.trace_file.empty();
  if (plan.base.keep_trace || plan.jobs == 0) plan.jobs = 1;
  return plan;
}

// The replay command of a failing run (shrunk when asked).
std::string replay_of(const Plan& plan, const RunOptions& failing) {
  std::string replay = "bin/sim --mode " + plan.base.mode + " --seed " + std::to_string(failing.seed) + " --runs 1";
  if (!plan.steps_text.empty()) return replay + " --steps " + plan.steps_text;
  if (plan.shrink_failures) replay += " --steps " + join(shrink(failing));
  return replay;
}

}  // namespace

int main(int argc, char** argv) {
  int exit_code = 0;
  auto parsed = parse(argc, argv, exit_code);
  if (!parsed) return exit_code;
  const auto& plan = *parsed;
  std::cout << plan.base.mode << ": seeds from " << plan.first << ", " << plan.base.schedule_length
            << " fault steps per run\n";
  const auto started = std::chrono::steady_clock::now();
  const auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(); };
  // Workers take seeds in turn; each run is its own World on its own thread.
  std::mutex report;
  std::atomic<std::uint64_t> next{0};
  std::map<std::uint64_t, std::uint64_t> digests;  // run k -> its digest (combined in seed order)
  std::uint64_t failures = 0;
  auto work = [&] {
    for (std::uint64_t k; (k = next++) < plan.runs && (plan.seconds <= 0 || elapsed() < plan.seconds);) {
      auto options = plan.base;
      options.seed = plan.first + k;
      auto result = run_once(options);
      std::string line;
      if (result.failure)
        line = "FAIL seed " + std::to_string(options.seed) + ": " + *result.failure + "\n  replay: " +
               replay_of(plan, options) + "\n";
      std::lock_guard lock(report);
      digests[k] = result.digest;
      if (!plan.trace_file.empty()) std::ofstream(plan.trace_file) << result.trace;
      if (result.failure) ++failures, std::cout << "\r" << line << std::flush;
      std::cerr << "\r  " << digests.size() << " runs, " << failures << " failures, " << static_cast<int>(elapsed())
                << " s   " << std::flush;
    }
  };
  std::vector<std::thread> workers;
  for (unsigned j = 0; j < plan.jobs; ++j) workers.emplace_back(work);
  for (auto& w : workers) w.join();
  std::uint64_t combined = 14695981039346656037ull;
  for (auto& [k, digest] : digests)
    for (int b = 0; b < 8; ++b) combined = (combined ^ ((digest >> (8 * b)) & 0xff)) * 1099511628211ull;
  std::cerr << "\r" << std::string(60, ' ') << "\r";
  const double minutes = std::max(elapsed(), 1e-3) / 60;
  std::cout << "runs " << digests.size() << ", failures " << failures << ", schedules per minute "
            << static_cast<long>(static_cast<double>(digests.size()) / minutes) << ", trace digest "
            << hex(digests.size() == 1 ? digests.begin()->second : combined) << "\n";
  return failures == 0 ? 0 : 1;
}
