// Simulation: one randomized run of one mode, and the shrinking of a failing one.
// A run: five nodes and their clients in a World seeded by `seed`; each schedule step
// applies its fault and lets `step_length` of virtual time pass, with the mode's invariant
// checker after every instant; then every fault is healed, every node restarted, the
// clients stopped, and the mode's final checks run on the whole history.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/clients.hpp"
#include "sim/cluster.hpp"
#include "sim/schedule.hpp"
#include "sim/world.hpp"

namespace sysdist::sim {

// What a checker throws when the run broke a property of its mode.
struct Violation : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class ModeChecker {
 public:
  virtual ~ModeChecker() = default;
  virtual void tune(Config& config) const = 0;  // simulation timings
  virtual Workload workload() const = 0;
  virtual void after_step(Cluster& cluster) {}  // invariants that hold at every instant
  virtual std::unique_ptr<Mode> make_mode(const ModeContext& context, std::size_t node) {
    return sysdist::make_mode(context);
  }
  // A mode's own way to strike with a fault (e.g. at a protocol step); true when it did.
  virtual bool strike(const Step& step, World& world, Cluster& cluster) { return false; }
  virtual void disarm() {}  // the schedule is over: no fault of its may strike any more
  // After the schedule (every node up, no fault left, clients stopped): lets the mode
  // settle and checks what must hold at the end.
  virtual void finish(World& world, Cluster& cluster, Clients& clients) = 0;
};

std::unique_ptr<ModeChecker> checker_for(const std::string& mode);  // CA, AP or CP

struct RunOptions {
  std::string mode = "CP";
  std::uint64_t seed = 1;
  std::vector<Step> steps;  // empty: make_schedule(seed, schedule_length)
  std::size_t schedule_length = 10;
  Clock::duration step_length = std::chrono::milliseconds(300);
  bool keep_trace = false;
};

struct RunResult {
  std::optional<std::string> failure;  // the first property broken, if any
  std::uint64_t digest = 0;            // of the full event trace
  std::string trace;                   // when kept
  std::size_t ops = 0, instants = 0;
};

RunResult run_once(const RunOptions& options);

// Shrinks a failing schedule: drops steps while the run still fails (at most `tries` runs).
// Returns the indexes (into the original schedule) of the steps kept.
std::vector<std::size_t> shrink(const RunOptions& failing, std::size_t tries = 60);

// Runs a checker-driven task to completion in `world` (bounded in virtual time).
template <class T>
T complete(World& world, boost::asio::awaitable<T> task, Clock::duration limit = std::chrono::seconds(30));

}  // namespace sysdist::sim

#include "sim/simulation_impl.hpp"
