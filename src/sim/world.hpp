// World: the simulator's single-threaded universe. One io_context runs every node, the
// in-memory network and the in-memory stores; virtual time (common/clock) stands still
// while handlers run and jumps to the next timer when none is ready; every random choice
// comes from one generator seeded by the run's seed; every event worth comparing is
// appended to a trace whose digest identifies the run. Same seed, same trace.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>

#include "common/clock.hpp"

namespace sysdist::sim {

class World {
 public:
  explicit World(std::uint64_t seed, bool keep_trace = false);
  ~World();

  boost::asio::io_context& io() { return *io_; }
  // Destroys every handler and suspended coroutine still pending (before the objects they
  // refer to go), and starts a fresh io_context.
  void discard_pending();
  Clock::time_point now() const { return time_.now(); }
  std::uint64_t wall_ms() const { return time_.wall_ms(); }

  std::uint64_t random() { return random_(); }
  std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : random_() % n; }  // uniform enough for schedules
  bool chance(unsigned per_mille) { return below(1000) < per_mille; }

  // Lets virtual time pass until `end`, running every handler due on the way. After each
  // instant at which handlers ran, calls `after_step` (the invariant checkers). Returns
  // false if handlers kept running without time passing (a livelock).
  bool run_until(Clock::time_point end, const std::function<void()>& after_step = {});
  bool run_for(Clock::duration d, const std::function<void()>& after_step = {}) {
    return run_until(now() + d, after_step);
  }

  // The trace: one line per event, stamped with virtual milliseconds.
  void trace(std::string_view event);
  std::uint64_t digest() const { return digest_; }
  const std::string& full_trace() const { return trace_; }
  std::uint64_t steps() const { return steps_; }

 private:
  VirtualTime time_;  // installed first: every timer below runs on it
  std::unique_ptr<boost::asio::io_context> io_;
  std::mt19937_64 random_;
  bool keep_trace_;
  bool live_;  // SYSDIST_SIM_LIVE_TRACE set: every trace line also goes to stderr as it happens
  std::string trace_;
  std::uint64_t digest_ = 14695981039346656037ull;  // FNV-1a 64
  std::uint64_t steps_ = 0;
};

}  // namespace sysdist::sim
