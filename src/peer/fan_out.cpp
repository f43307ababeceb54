#include "peer/fan_out.hpp"

#include <boost/asio/experimental/parallel_group.hpp>

#include "common/net.hpp"

namespace sysdist {

namespace {
// Parallel-group cancellation condition: cancel the remaining calls once a reply decides.
struct CancelWhenDecided {
  const DecisiveReply* decisive;
  asio::cancellation_type_t operator()(const std::exception_ptr& failure, const PeerResult& result) const {
    const bool decided = !failure && *decisive && (*decisive)(result);
    return decided ? asio::cancellation_type::terminal : asio::cancellation_type::none;
  }
};
}  // namespace

asio::awaitable<std::vector<PeerResult>> call_all(Transport& transport, const std::vector<std::size_t>& peers,
                                                  const PeerRequest& request, std::chrono::milliseconds timeout,
                                                  DecisiveReply decisive) {
  if (peers.empty()) co_return std::vector<PeerResult>{};
  auto executor = co_await asio::this_coro::executor;
  using Call = decltype(asio::co_spawn(executor, transport.call(0, request, timeout), asio::deferred));
  std::vector<Call> calls;
  calls.reserve(peers.size());
  for (auto peer : peers)
    calls.push_back(asio::co_spawn(executor, transport.call(peer, request, timeout), asio::deferred));

  CancelWhenDecided condition{&decisive};
  auto group = asio::experimental::make_parallel_group(std::move(calls));
  auto [order, failures, results] = co_await group.async_wait(condition, asio::use_awaitable);
  for (std::size_t i = 0; i < results.size(); ++i)
    if (failures[i]) results[i] = PeerResult{asio::error::operation_aborted, {}};
  co_return std::move(results);
}

asio::awaitable<std::vector<PeerResult>> call_quorum(Transport& transport, const std::vector<std::size_t>& peers,
                                                     const PeerRequest& request, std::chrono::milliseconds timeout,
                                                     std::size_t needed) {
  std::size_t ok = 0;
  DecisiveReply enough = [&ok, needed](const PeerResult& r) { return r.answered_ok() && ++ok >= needed; };
  co_return co_await call_all(transport, peers, request, timeout, std::move(enough));
}

}  // namespace sysdist
