// Linearizable reads by ReadIndex (Raft thesis 6.4): the leader takes its commit index and
// confirms it still leads with a heartbeat round to a majority; a follower asks the leader
// for that index. Then the node serves the read once it has applied that far. Reads that
// arrive while a round runs share the next one.
#include <boost/asio/experimental/parallel_group.hpp>

#include "common/net.hpp"
#include "modes/cp/raft.hpp"

namespace sysdist::cp {

asio::awaitable<std::optional<std::uint64_t>> Raft::read_index() {
  if (role_ != Role::leader) {
    if (!leader_) co_return std::nullopt;
    PeerRequest request{"POST", "/raft/read_index", "{}"};
    auto result = co_await context_.transport.call(*leader_, std::move(request), context_.config.rpc_timeout);
    auto reply = result.answered_ok() ? parse_read_index_reply(result.reply.body) : std::nullopt;
    if (!reply) co_return std::nullopt;
    co_return reply->index;
  }
  co_return co_await on_read_index();
}

asio::awaitable<std::optional<std::uint64_t>> Raft::on_read_index() {
  if (role_ != Role::leader) co_return std::nullopt;
  const auto term = term_;
  // The leader must have committed an entry of its term (its no-op) to know the commit index.
  std::function<bool()> settled = [this, term] { return !leading(term) || log_entries_.term_at(commit_) == term; };
  co_await wait_until(std::move(settled), Clock::now() + context_.config.election_timeout_max);
  if (!leading(term) || log_entries_.term_at(commit_) != term) co_return std::nullopt;
  // Its index is taken and its heartbeats sent after every read of the batch arrived.
  if (!next_read_batch_) next_read_batch_ = std::make_shared<ReadBatch>();
  auto batch = next_read_batch_;
  changed_.notify();  // the confirmation loop of this term takes it
  std::function<bool()> answered = [&] { return batch->done; };
  co_await wait_until(std::move(answered), Clock::now() + 2 * context_.config.rpc_timeout);
  if (!batch->done || !batch->confirmed || !leading(term)) co_return std::nullopt;
  co_return batch->index;
}

asio::awaitable<void> Raft::confirm_reads_loop(std::uint64_t term) {
  while (leading(term)) {
    std::function<bool()> reads = [&] { return !leading(term) || next_read_batch_ != nullptr; };
    co_await wait_until(std::move(reads), Clock::time_point::max());
    if (!leading(term)) break;
    auto batch = std::exchange(next_read_batch_, nullptr);
    batch->index = commit_;
    batch->confirmed = co_await confirm_leadership(term);
    batch->done = true;
    ++read_index_rounds_;
    changed_.notify();
  }
}

asio::awaitable<bool> Raft::confirm_leadership(std::uint64_t term) {
  if (!leading(term)) co_return false;
  // A majority must answer a heartbeat of this term.
  std::vector<decltype(asio::co_spawn(executor_, heartbeat(0, term), asio::deferred))> round;
  for (auto peer : context_.config.membership.others())
    round.push_back(asio::co_spawn(executor_, heartbeat(peer, term), asio::deferred));
  auto group = asio::experimental::make_parallel_group(std::move(round));
  auto [order, failures, answered] = co_await group.async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
  std::size_t acks = 1;
  for (std::size_t i = 0; i < answered.size(); ++i)
    if (!failures[i] && answered[i]) ++acks;
  co_return leading(term) && acks > context_.config.membership.size() / 2;
}

}  // namespace sysdist::cp
