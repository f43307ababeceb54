#include "peer/batching_transport.hpp"

#include <deque>
#include <map>

#include <boost/asio/experimental/parallel_group.hpp>

#include "common/clock.hpp"
#include "common/limits.hpp"
#include "common/net.hpp"
#include "peer/batch_format.hpp"
#include "peer/messages.hpp"

namespace sysdist {

namespace {


// A call waiting for a batch: the batch fills `result` and wakes it by cancelling `wake`,
// which otherwise expires at the call's own deadline.
struct Waiting {
  Waiting(PeerRequest r, Clock::time_point d, asio::any_io_executor executor)
      : request(std::move(r)), deadline(d), wake(executor, d) {}
  PeerRequest request;
  Clock::time_point deadline;
  Timer wake;
  std::optional<PeerResult> result;
  bool gave_up = false;  // timed out or cancelled before its batch left
};
using WaitingCalls = std::vector<std::shared_ptr<Waiting>>;

class BatchingTransport final : public Transport {
 public:
  BatchingTransport(std::unique_ptr<Transport> inner, std::size_t direct_in_flight, Metrics& metrics)
      : inner_(std::move(inner)), direct_in_flight_(direct_in_flight), metrics_(metrics) {}

  asio::awaitable<PeerResult> call(std::size_t peer, PeerRequest request, std::chrono::milliseconds timeout) override {
    auto executor = co_await asio::this_coro::executor;
    auto& queue = queues_[peer];
    if (direct_in_flight_ == 0) co_return co_await inner_->call(peer, std::move(request), timeout);
    if (queue.in_flight < direct_in_flight_) {
      ++queue.in_flight;
      auto result = co_await inner_->call(peer, std::move(request), timeout);
      finished(executor, peer);
      co_return result;
    }
    auto waiting = std::make_shared<Waiting>(std::move(request), Clock::now() + timeout, executor);
    queue.waiting.push_back(waiting);
    if (!queue.flush_posted) {
      queue.flush_posted = true;
      asio::co_spawn(executor, flush_soon(executor, peer), asio::detached);
    }
    auto [woken] = co_await waiting->wake.async_wait(use_tuple);
    if (waiting->result) co_return std::move(*waiting->result);
    waiting->gave_up = true;
    co_return PeerResult{woken ? boost::system::error_code(asio::error::operation_aborted)
                               : boost::system::error_code(asio::error::timed_out),
                         {}};
  }

  std::vector<PeerHealth> health() const override { return inner_->health(); }

 private:
  struct PeerQueue {
    std::size_t in_flight = 0;
    std::deque<std::shared_ptr<Waiting>> waiting;
    bool flush_posted = false;  // the event loop's next turn sends what waits
  };

  // A call or batch to `peer` finished: everything waiting for it leaves as the next batch.
  void finished(const asio::any_io_executor& executor, std::size_t peer) {
    --queues_[peer].in_flight;
    send_waiting(executor, peer);
  }

  // Waiting calls also leave once the event loop has run what was already ready, beyond
  // the direct limit: a call in flight may take long (a CP forward waits for its commit)
  // and waiting for it would add that much to every call behind. A busy node has many
  // ready events, so many calls join; an idle one sends at once.
  asio::awaitable<void> flush_soon(asio::any_io_executor executor, std::size_t peer) {
    co_await asio::post(executor, asio::use_awaitable);
    queues_[peer].flush_posted = false;
    send_waiting(executor, peer);
  }

  // Everything waiting leaves, in as many batches as the size limits need.
  void send_waiting(const asio::any_io_executor& executor, std::size_t peer) {
    auto& queue = queues_[peer];
    const auto now = Clock::now();
    while (!queue.waiting.empty()) {
      WaitingCalls batch;
      std::size_t bytes = 0;
      while (!queue.waiting.empty() && batch.size() < limits::max_batch_calls) {
        auto& next = queue.waiting.front();
        const auto size = encoded_size(next->request);
        if (!next->gave_up && next->deadline > now) {
          if (!batch.empty() && bytes + size > limits::max_peer_body_bytes) break;
          bytes += size;
          batch.push_back(std::move(next));
        }
        queue.waiting.pop_front();
      }
      if (batch.empty()) return;
      ++queue.in_flight;
      asio::co_spawn(executor, send(executor, peer, std::move(batch)), asio::detached);
    }
  }

  asio::awaitable<void> send(asio::any_io_executor executor, std::size_t peer, WaitingCalls batch) {
    auto deadline = batch.front()->deadline;
    for (const auto& call : batch) deadline = std::max(deadline, call->deadline);
    const auto timeout = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    if (batch.size() == 1) {  // a batch of one is the call itself
      deliver(*batch.front(), co_await inner_->call(peer, std::move(batch.front()->request), timeout));
    } else {
      std::vector<PeerRequest> requests;
      requests.reserve(batch.size());
      for (auto& call : batch) requests.push_back(std::move(call->request));
      PeerRequest request{"POST", std::string(batch_target), encode_requests(requests)};
      metrics_.count("sysdist_peer_batches_total", "");
      metrics_.count("sysdist_peer_batched_calls_total", "", static_cast<double>(batch.size()));
      auto result = co_await inner_->call(peer, std::move(request), timeout);
      std::optional<std::vector<PeerReply>> replies;
      if (result.answered_ok()) replies = decode_replies(result.reply.body);
      for (std::size_t i = 0; i < batch.size(); ++i) {
        if (replies && replies->size() == batch.size())
          deliver(*batch[i], PeerResult{{}, std::move((*replies)[i])});
        else if (result.answered_ok())
          deliver(*batch[i], PeerResult{{}, error_reply(502, "bad_batch", "Malformed batch reply from the peer")});
        else
          deliver(*batch[i], result);  // no reply, or the whole batch refused (e.g. 401): same for each call
      }
    }
    finished(executor, peer);
  }

  static void deliver(Waiting& call, PeerResult result) {
    if (call.gave_up) return;
    call.result = std::move(result);
    call.wake.cancel();
  }

  std::unique_ptr<Transport> inner_;
  std::size_t direct_in_flight_;
  Metrics& metrics_;
  std::map<std::size_t, PeerQueue> queues_;  // node-stable: coroutines hold references across awaits
};

asio::awaitable<PeerReply> serve_batch(std::shared_ptr<PeerHandler> handler, PeerRequest request) {
  if (request.target != batch_target) co_return co_await (*handler)(std::move(request));
  if (request.method != "POST") co_return error_reply(405, "method_not_allowed", "Use POST for /peer/batch");
  auto requests = decode_requests(request.body);
  if (!requests) co_return error_reply(400, "bad_batch", "Malformed batch of peer calls");
  // A ranged parallel group of no operations never completes: an empty batch is refused.
  if (requests->empty()) co_return error_reply(400, "bad_batch", "An empty batch carries no peer call");
  for (const auto& r : *requests)
    if (r.target == batch_target) co_return error_reply(400, "bad_batch", "A batch cannot contain a batch");

  auto executor = co_await asio::this_coro::executor;
  using Call = decltype(asio::co_spawn(executor, (*handler)(PeerRequest{}), asio::deferred));
  std::vector<Call> calls;
  calls.reserve(requests->size());
  for (auto& r : *requests) calls.push_back(asio::co_spawn(executor, (*handler)(std::move(r)), asio::deferred));
  auto [order, failures, replies] = co_await asio::experimental::make_parallel_group(std::move(calls))
                                        .async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
  for (std::size_t i = 0; i < replies.size(); ++i)
    if (failures[i]) replies[i] = error_reply(500, "internal", "A batched peer call failed");
  co_return PeerReply{200, encode_replies(replies)};
}
}  // namespace

std::unique_ptr<Transport> make_batching_transport(std::unique_ptr<Transport> inner, std::size_t direct_in_flight,
                                                   Metrics& metrics) {
  return std::make_unique<BatchingTransport>(std::move(inner), direct_in_flight, metrics);
}

PeerHandler serve_batches(PeerHandler inner) {
  auto handler = std::make_shared<PeerHandler>(std::move(inner));
  return [handler](PeerRequest request) { return serve_batch(handler, std::move(request)); };
}

}  // namespace sysdist
