// QuorumRound: the answer-at-K-then-keep-collecting shape of fan-out (AP writes and
// reads, CP's ReadIndex heartbeat rounds). Each call reports into the round when it finishes; a caller waits until K calls
// succeeded, every call finished, or its deadline -- and a second waiter may keep waiting
// for the stragglers (read repair, hints) after the client has its answer.
// Owned through shared_ptr by every call of the round, so late calls never dangle.
// Single-threaded: all on the node's event loop.
#pragma once
#include <chrono>
#include <functional>
#include <memory>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "common/clock.hpp"
#include "common/condition.hpp"

namespace sysdist {

class QuorumRound {
 public:
  QuorumRound(boost::asio::any_io_executor executor, std::size_t needed)
      : executor_(std::move(executor)), needed_(needed) {}

  void call_started() { ++pending_; }
  void call_finished(bool success);

  // Until `needed` calls succeeded, none is pending, or the deadline.
  boost::asio::awaitable<void> until_enough(Clock::time_point deadline);
  // Until no call is pending, or the deadline.
  boost::asio::awaitable<void> until_all(Clock::time_point deadline);

  const boost::asio::any_io_executor& executor() const { return executor_; }
  std::size_t succeeded() const { return succeeded_; }
  std::size_t pending() const { return pending_; }
  bool enough() const { return succeeded_ >= needed_; }

 private:
  boost::asio::any_io_executor executor_;
  std::size_t needed_;
  std::size_t pending_ = 0;
  std::size_t succeeded_ = 0;
  Condition finished_;  // a call finished
};

}  // namespace sysdist
