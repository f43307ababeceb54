#include "peer/quorum_round.hpp"

#include "common/clock.hpp"
#include "common/net.hpp"

namespace sysdist {

void QuorumRound::call_finished(bool success) {
  --pending_;
  if (success) ++succeeded_;
  finished_.notify();
}

asio::awaitable<void> QuorumRound::until_enough(Clock::time_point deadline) {
  std::function<bool()> done = [this] { return enough() || pending_ == 0; };  // named: g++ 12 co_await bug
  co_await finished_.wait_until(std::move(done), deadline);
}

asio::awaitable<void> QuorumRound::until_all(Clock::time_point deadline) {
  std::function<bool()> done = [this] { return pending_ == 0; };
  co_await finished_.wait_until(std::move(done), deadline);
}

}  // namespace sysdist
