// The checker's workload: concurrent clients, each one operation at a time to a random node
// (reads, writes of unique values and, in CP, compare-and-set of a value it saw), recorded
// in the history as invocation, completion and what the client learned (history.hpp).
#pragma once
#include <chrono>
#include <cstdint>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "tools/check/history.hpp"
#include "tools/check/options.hpp"

namespace sysdist::check {

using CheckClock = std::chrono::steady_clock;  // real time: the checker measures a real cluster

struct Recorder {
  CheckClock::time_point began = CheckClock::now();
  std::vector<Op> ops;
  std::uint64_t ok = 0, fail = 0, info = 0;
  std::int64_t now_ns() const;
  void record(Op op);
};

struct Workload {
  const Options& options;
  Recorder& recorder;
  CheckClock::time_point stop_at;
};

// One client (`process`) until the workload's stop time.
boost::asio::awaitable<void> client(Workload& w, int process);

}  // namespace sysdist::check
