// Clock and Timer: the one time vocabulary of node, peer and mode code (never
// std::chrono::steady_clock or asio::steady_timer directly). Real monotonic time, unless a
// VirtualTime is installed (the simulator, sim/): then now() is virtual and stands still
// while handlers run, and every deadline given to a Timer is noted, so the simulator can
// jump straight to the next one when nothing else is ready.
// Wall time (AP's hybrid clock) is per node: ModeContext::wall_ms, see wall_ms_now().
#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <queue>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/basic_waitable_timer.hpp>

namespace sysdist {

struct Clock {
  using duration = std::chrono::steady_clock::duration;
  using rep = duration::rep;
  using period = duration::period;
  using time_point = std::chrono::time_point<Clock>;
  static constexpr bool is_steady = true;
  static time_point now() noexcept;
};

// Milliseconds since the Unix epoch, from the system clock (or the simulation's wall).
std::uint64_t wall_ms_now();

// Virtual time for one simulation on one thread; installed while it exists (one at a time).
class VirtualTime {
 public:
  VirtualTime();
  ~VirtualTime();
  VirtualTime(const VirtualTime&) = delete;
  VirtualTime& operator=(const VirtualTime&) = delete;

  Clock::time_point now() const { return now_; }
  void note(Clock::time_point deadline);
  // The earliest noted deadline after now (stale ones, of timers since re-armed or gone,
  // only cost a jump where nothing fires).
  std::optional<Clock::time_point> next_deadline();
  void advance_to(Clock::time_point t);
  std::uint64_t wall_ms() const;  // a fixed epoch plus virtual time elapsed

 private:
  Clock::time_point now_;
  std::priority_queue<Clock::time_point, std::vector<Clock::time_point>, std::greater<>> deadlines_;
};

class Timer : public boost::asio::basic_waitable_timer<Clock> {
 public:
  using Base = boost::asio::basic_waitable_timer<Clock>;
  explicit Timer(const boost::asio::any_io_executor& ex) : Base(ex) {}
  Timer(const boost::asio::any_io_executor& ex, Clock::time_point at) : Base(ex, at) { note(at); }
  Timer(const boost::asio::any_io_executor& ex, Clock::duration after) : Timer(ex, Clock::now() + after) {}
  std::size_t expires_at(Clock::time_point at) {
    note(at);
    return Base::expires_at(at);
  }
  std::size_t expires_after(Clock::duration after) { return expires_at(Clock::now() + after); }

 private:
  static void note(Clock::time_point at);
};

}  // namespace sysdist
