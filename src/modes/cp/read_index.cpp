// Linearizable reads by ReadIndex (Raft thesis 6.4): the leader takes its commit index and
// confirms it still leads with a heartbeat round to a majority; a follower asks the leader
// for that index. Then the node serves the read once it has applied that far. Reads that
// arrive while a round (leader) or a call to the leader (follower) runs share the next one.
#include "common/net.hpp"
#include "modes/cp/raft.hpp"
#include "peer/quorum_round.hpp"

namespace sysdist::cp {

asio::awaitable<std::optional<std::uint64_t>> Raft::read_index() {
  if (role_ == Role::leader) co_return co_await on_read_index();
  if (!leader_) co_return std::nullopt;
  // A follower's reads share calls to the leader as the leader's share heartbeat rounds:
  // one call at a time, each sent after every read of its batch arrived.
  co_return co_await join_read_batch(next_forwarded_reads_);
}

asio::awaitable<std::optional<std::uint64_t>> Raft::join_read_batch(std::shared_ptr<ReadBatch>& next) {
  if (!next) next = std::make_shared<ReadBatch>();
  auto batch = next;
  changed_.notify();  // the loop that serves these batches takes it
  std::function<bool()> answered = [&] { return batch->done; };
  co_await wait_until(std::move(answered), Clock::now() + 2 * context_.config.rpc_timeout);
  if (!batch->done || !batch->confirmed) co_return std::nullopt;
  co_return batch->index;
}

asio::awaitable<void> Raft::forward_reads_loop() {
  while (!stopped_) {
    std::function<bool()> reads = [this] { return stopped_ || next_forwarded_reads_ != nullptr; };
    co_await wait_until(std::move(reads), Clock::time_point::max());
    if (stopped_) break;
    auto batch = std::exchange(next_forwarded_reads_, nullptr);
    if (role_ != Role::leader && leader_) {  // else the batch fails: its reads answer "no leader"
      PeerRequest request{"POST", "/raft/read_index", "{}"};
      auto result = co_await context_.transport.call(*leader_, std::move(request), context_.config.rpc_timeout);
      auto reply = result.answered_ok() ? parse_read_index_reply(result.reply.body) : std::nullopt;
      batch->confirmed = reply.has_value();
      batch->index = reply ? reply->index : 0;
    }
    batch->done = true;
    changed_.notify();
  }
}

asio::awaitable<std::optional<std::uint64_t>> Raft::on_read_index() {
  if (role_ != Role::leader) co_return std::nullopt;
  const auto term = term_;
  // The leader must have committed an entry of its term (its no-op) to know the commit index.
  std::function<bool()> settled = [this, term] { return !leading(term) || log_entries_.term_at(commit_) == term; };
  co_await wait_until(std::move(settled), Clock::now() + context_.config.election_timeout_max);
  if (!leading(term) || log_entries_.term_at(commit_) != term) co_return std::nullopt;
  // Its index is taken and its heartbeats sent after every read of the batch arrived.
  auto index = co_await join_read_batch(next_read_batch_);
  if (!leading(term)) co_return std::nullopt;
  co_return index;
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
  // A majority must answer a heartbeat of this term. The round ends as soon as one has: the
  // slowest follower (a busy core, a slow disk) does not hold up every read of the batch.
  const auto& membership = context_.config.membership;
  auto round = std::make_shared<QuorumRound>(executor_, membership.size() / 2);  // + the leader itself
  for (auto peer : membership.others()) {
    round->call_started();
    spawn([](Raft& raft, std::size_t peer, std::uint64_t term, std::shared_ptr<QuorumRound> round)
              -> asio::awaitable<void> { round->call_finished(co_await raft.heartbeat(peer, term)); }(
              *this, peer, term, round),
          "raft read heartbeat");
  }
  co_await round->until_enough(Clock::now() + 2 * context_.config.rpc_timeout);
  co_return leading(term) && round->enough();
}
}  // namespace sysdist::cp
