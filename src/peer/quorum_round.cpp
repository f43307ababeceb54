#include "peer/quorum_round.hpp"

#include "common/clock.hpp"
#include "common/net.hpp"

namespace sysdist {

void QuorumRound::call_finished(bool success) {
  --pending_;
  if (success) ++succeeded_;
  for (auto& wake : wake_waiters_) wake();
}

asio::awaitable<void> QuorumRound::until_enough(Clock::time_point deadline) {
  std::function<bool()> done = [this] { return enough() || pending_ == 0; };  // named: g++ 12 co_await bug
  co_await wait_until(std::move(done), deadline);
}

asio::awaitable<void> QuorumRound::until_all(Clock::time_point deadline) {
  std::function<bool()> done = [this] { return pending_ == 0; };
  co_await wait_until(std::move(done), deadline);
}

asio::awaitable<void> QuorumRound::wait_until(std::function<bool()> done,
                                              Clock::time_point deadline) {
  Timer timer(executor_, deadline);
  auto me = wake_waiters_.insert(wake_waiters_.end(), [&timer, &done] {
    if (done()) timer.cancel();  // a finished call that changes nothing for this waiter wakes nobody
  });
  while (!done() && Clock::now() < deadline) {
    auto [ec] = co_await timer.async_wait(use_tuple);
    if (!ec) break;  // the deadline passed
  }
  wake_waiters_.erase(me);
}

}  // namespace sysdist
