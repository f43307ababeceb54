// Condition: coroutines on one event loop wait until a predicate over shared state holds;
// whoever changes that state calls notify() after changing it, and every waiter whose
// predicate now holds resumes. Predicates are evaluated inside notify(): they only read.
// The waits of long-lived loops (no deadline) end when their predicate says so ("stopped").
#pragma once
#include <cstdint>
#include <functional>
#include <list>

#include <boost/asio/awaitable.hpp>

#include "common/clock.hpp"

namespace sysdist {

class Condition {
 public:
  // True if `done` holds, false if the deadline passed first.
  boost::asio::awaitable<bool> wait_until(std::function<bool()> done,
                                          Clock::time_point deadline = Clock::time_point::max());
  // Until the next notify() (or the deadline).
  boost::asio::awaitable<void> wait_for_news(Clock::time_point deadline);
  void notify();

 private:
  std::list<std::function<void()>> wakers_;
  std::uint64_t notified_ = 0;
};

}  // namespace sysdist
