#include "peer/memory_transport.hpp"

#include <spdlog/spdlog.h>

#include "common/clock.hpp"
#include "common/limits.hpp"
#include "common/net.hpp"
#include "peer/batch_format.hpp"
#include "peer/messages.hpp"
#include "common/logging.hpp"

namespace sysdist {

namespace {
class MemoryTransport final : public Transport {
 public:
  MemoryTransport(MemoryNetwork& network, std::size_t self, unsigned life)
      : network_(network), self_(self), life_(life) {}
  asio::awaitable<PeerResult> call(std::size_t peer, PeerRequest request, std::chrono::milliseconds timeout) override {
    co_return co_await network_.deliver(self_, peer, std::move(request), timeout, life_);
  }

 private:
  MemoryNetwork& network_;
  std::size_t self_;
  unsigned life_;  // a transport of a crashed life never sends again, even after a restart
};

boost::system::error_code http_body_limit() { return boost::asio::error::message_size; }

// Where a delivered call leaves its reply; the timer doubles as the "reply arrived" event.
struct Delivery {
  explicit Delivery(asio::any_io_executor ex) : done(ex) {}
  Timer done;
  std::optional<PeerReply> reply;
};
}  // namespace

MemoryNetwork::MemoryNetwork(asio::any_io_executor executor, std::size_t nodes)
    : executor_(std::move(executor)), handlers_(nodes), crashed_(nodes, false), lives_(nodes, 0) {}

void MemoryNetwork::attach(std::size_t node, PeerHandler handler) {
  handlers_[node] = std::make_shared<PeerHandler>(std::move(handler));
  crashed_[node] = false;
}
void MemoryNetwork::crash(std::size_t node) {
  handlers_[node].reset();
  crashed_[node] = true;
  ++lives_[node];
}

asio::awaitable<void> MemoryNetwork::hang_forever() {
  Timer forever(executor_, Clock::time_point::max());
  co_await forever.async_wait(asio::use_awaitable);
}
void MemoryNetwork::cut(std::size_t a, std::size_t b) {
  cuts_.insert({a, b});
  cuts_.insert({b, a});
}
void MemoryNetwork::isolate(std::size_t node) {
  for (std::size_t other = 0; other < handlers_.size(); ++other)
    if (other != node) cut(node, other);
}
void MemoryNetwork::heal() { cuts_.clear(); }
bool MemoryNetwork::reachable(std::size_t from, std::size_t to) const { return !cuts_.contains({from, to}); }

std::unique_ptr<Transport> MemoryNetwork::transport_for(std::size_t node) {
  return std::make_unique<MemoryTransport>(*this, node, lives_[node]);
}

std::chrono::milliseconds MemoryNetwork::one_way_delay() {
  const auto span = (faults_.max_delay - faults_.min_delay).count();
  if (span <= 0 || !random_) return faults_.min_delay;
  return faults_.min_delay + std::chrono::milliseconds(random_() % static_cast<std::uint64_t>(span + 1));
}

bool MemoryNetwork::lost() { return faults_.loss_per_mille > 0 && random_ && random_() % 1000 < faults_.loss_per_mille; }

void MemoryNetwork::trace(std::size_t from, std::size_t to, std::string_view what, std::string_view target) {
  if (trace_) trace_(std::to_string(from + 1) + ">" + std::to_string(to + 1) + " " + std::string(what) + " " + std::string(target));
}

// One copy of a request: travels, runs at `to` unless that life ended, and its reply
// travels back unless lost or cut meanwhile.
asio::awaitable<std::optional<PeerReply>> MemoryNetwork::serve(std::size_t from, std::size_t to, unsigned target_life,
                                                               std::shared_ptr<PeerHandler> handler,
                                                               PeerRequest request) {
  if (auto delay = one_way_delay(); delay.count() > 0) {
    Timer wait(executor_, delay);
    co_await wait.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  if (lives_[to] != target_life) co_return std::nullopt;  // it died on the way: nobody runs it
  const auto target = request.target;
  auto reply = co_await (*handler)(std::move(request));
  if (lost()) {
    trace(from, to, "reply-lost", target);
    co_return std::nullopt;
  }
  if (auto delay = one_way_delay(); delay.count() > 0) {
    Timer wait(executor_, delay);
    co_await wait.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  if (!reachable(to, from) || lives_[to] != target_life) co_return std::nullopt;  // cut meanwhile
  co_return reply;
}

asio::awaitable<PeerResult> MemoryNetwork::deliver(std::size_t from, std::size_t to, PeerRequest request,
                                                   std::chrono::milliseconds timeout, unsigned sender_life) {
  if (crashed_[from] || sender_life != lives_[from]) co_await hang_forever();  // a dead node sends nothing
  const auto caller_life = lives_[from];
  const auto target_life = lives_[to];
  auto handler = handlers_[to];
  if (!handler) co_return PeerResult{asio::error::connection_refused, {}};
  if (request.body.size() > limits::max_peer_body_bytes)  // as a real node's server answers
    co_return PeerResult{{}, error_reply(413, "too_large", "Body over the limit")};
  const auto target = request.target;
  auto delivery = std::make_shared<Delivery>(executor_);
  delivery->done.expires_after(timeout);
  if (!reachable(from, to)) {
    trace(from, to, "cut", target);
  } else if (lost()) {
    trace(from, to, "lost", target);
  } else {
    // Known gap: a duplicated CP forward is proposed twice (Raft's client sessions, section 6.3
    // of the thesis, are not built yet), so forwards are never duplicated here.
    const bool twice = faults_.duplicate_per_mille > 0 && random_ && random_() % 1000 < faults_.duplicate_per_mille &&
                       !target.starts_with("/raft/forward");
    trace(from, to, twice ? "send-twice" : "send", target);
    for (int copy = twice ? 2 : 1; copy > 0; --copy) {
      auto run = [this, delivery, handler, from, to, target_life, request]() -> asio::awaitable<void> {
        auto reply = co_await serve(from, to, target_life, handler, request);
        if (reply && !delivery->reply) {  // the first copy's reply to arrive answers the call
          delivery->reply = std::move(reply);
          delivery->done.cancel();
        }
      };
      asio::co_spawn(executor_, std::move(run), log_failure("memory network delivery"));
    }
  }
  boost::system::error_code ec;
  if (!delivery->reply)  // co_spawn may have run a quick handler to completion already
    std::tie(ec) = co_await delivery->done.async_wait(asio::as_tuple(asio::use_awaitable));
  if (lives_[from] != caller_life) co_await hang_forever();  // the caller died meanwhile
  // A reply over what the caller's HTTP client reads is lost, as it would be on a real node.
  const auto reply_limit = target == batch_target ? limits::max_batch_reply_bytes : limits::max_peer_body_bytes;
  if (delivery->reply && delivery->reply->body.size() > reply_limit) co_return PeerResult{http_body_limit(), {}};
  if (delivery->reply) co_return PeerResult{{}, std::move(*delivery->reply)};
  if (!ec) co_return PeerResult{asio::error::timed_out, {}};
  co_return PeerResult{asio::error::operation_aborted, {}};
}

}  // namespace sysdist
