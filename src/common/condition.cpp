#include "common/condition.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace sysdist {

namespace asio = boost::asio;

asio::awaitable<bool> Condition::wait_until(std::function<bool()> done, Clock::time_point deadline) {
  Timer wait(co_await asio::this_coro::executor);
  while (!done() && Clock::now() < deadline) {
    wait.expires_at(deadline);
    // Woken only once its predicate holds: a notify() that changes nothing for this waiter
    // costs a call, not a timer cancel, a resumption and a re-arm (64 writes waiting on a
    // Raft leader, each notified at every commit and apply, were ~8 % of its CPU).
    auto waker = wakers_.insert(wakers_.end(), [&wait, &done] {
      if (done()) wait.cancel();
    });
    co_await wait.async_wait(asio::as_tuple(asio::use_awaitable));
    wakers_.erase(waker);
  }
  co_return done();
}

asio::awaitable<void> Condition::wait_for_news(Clock::time_point deadline) {
  std::function<bool()> news = [this, seen = notified_] { return notified_ != seen; };
  co_await wait_until(std::move(news), deadline);
}

void Condition::notify() {
  ++notified_;
  for (auto& wake : wakers_) wake();
}

}  // namespace sysdist
