// Clock and Timer: the one time vocabulary of node, peer and mode code (never
// std::chrono::steady_clock or asio::steady_timer directly). Real monotonic time, unless a
// VirtualTime is installed (the simulator, sim/): then now() is virtual and stands still
// while handlers run, and Timers wait in the VirtualTime, which the simulator advances to
// the next deadline whenever no handler is ready.
// Wall time (AP's hybrid clock) is per node: ModeContext::wall_ms, see wall_ms_now().
#pragma once
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
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

class Timer;
using TimerHandler = boost::asio::any_completion_handler<void(boost::system::error_code)>;

// Virtual time for one simulation on one thread; installed while it exists (one at a time).
// It keeps every pending Timer wait, ordered by deadline and then by arrival, and
// completes them as the simulator advances time: the same waits always fire in the same order.
class VirtualTime {
 public:
  using WaitKey = std::pair<Clock::time_point, std::uint64_t>;
  VirtualTime();
  ~VirtualTime();
  VirtualTime(const VirtualTime&) = delete;
  VirtualTime& operator=(const VirtualTime&) = delete;

  Clock::time_point now() const { return now_; }
  std::uint64_t wall_ms() const;  // a fixed epoch plus virtual time elapsed
  std::optional<Clock::time_point> next_deadline() const;
  // Moves time to `t` and completes (posts) every wait due by then.
  void advance_to(Clock::time_point t);

  WaitKey add(Clock::time_point deadline, Timer* owner, TimerHandler handler, boost::asio::any_io_executor ex);
  void finish(WaitKey key, boost::system::error_code ec);  // no-op once finished
  void drop_waits();  // destroys every pending wait unrun (the simulation ends)

 private:
  struct Wait {
    Timer* owner;
    TimerHandler handler;
    boost::asio::any_io_executor executor;
  };
  Clock::time_point now_;
  std::uint64_t arrivals_ = 0;
  std::map<WaitKey, Wait> waits_;
};

// A waitable timer with asio's interface (expires_at/after, cancel, async_wait with any
// completion token, per-operation cancellation). Real time: an asio timer. Simulated:
// its waits live in the VirtualTime that was installed when it was made.
class Timer {
 public:
  using executor_type = boost::asio::any_io_executor;
  explicit Timer(const executor_type& ex);
  Timer(const executor_type& ex, Clock::time_point at);
  Timer(const executor_type& ex, Clock::duration after);
  ~Timer();
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;

  executor_type get_executor() const { return executor_; }
  Clock::time_point expiry() const { return expiry_; }
  std::size_t expires_at(Clock::time_point at);  // cancels pending waits, as asio's does
  std::size_t expires_after(Clock::duration after);
  std::size_t cancel();

  template <class Token>
  auto async_wait(Token&& token) {
    if (real_) return real_->async_wait(std::forward<Token>(token));
    return boost::asio::async_initiate<Token, void(boost::system::error_code)>(
        [this](auto handler) { start_wait(TimerHandler(std::move(handler))); }, token);
  }

 private:
  friend class VirtualTime;
  void start_wait(TimerHandler handler);

  executor_type executor_;
  Clock::time_point expiry_;
  std::unique_ptr<boost::asio::basic_waitable_timer<Clock>> real_;  // null while simulating
  std::vector<VirtualTime::WaitKey> waits_;                          // pending simulated waits
};

}  // namespace sysdist
