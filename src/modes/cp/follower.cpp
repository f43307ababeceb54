// The follower's side of log replication (Raft section 5.3): accept entries that match the
// leader's log, truncate what conflicts, and acknowledge only what is durable.
#include "common/net.hpp"
#include "modes/cp/log_storage.hpp"
#include "modes/cp/raft.hpp"

namespace sysdist::cp {

asio::awaitable<AppendReply> Raft::on_append(const AppendRequest& request) {
  const auto term = request.header.term;
  auto refuse = [this](std::uint64_t conflict_term = 0, std::uint64_t conflict_index = 0) {
    return AppendReply{term_, false, 0, conflict_term, conflict_index};
  };
  if (term < term_) co_return refuse();
  const auto leader = static_cast<std::size_t>(request.header.leader);
  if (term > term_ || role_ != Role::follower || leader_ != leader) co_await become_follower(term, leader);
  if (term_ != term) co_return refuse();
  last_leader_contact_ = Clock::now();
  reset_election_deadline();

  const auto prev_index = request.header.prev_index;
  if (prev_index > log_entries_.last_index()) {
    // Pipelined appends travel on several connections and may overtake each other: give
    // the one just before this a moment to arrive instead of sending the leader back.
    std::function<bool()> gap_filled = [&] { return log_entries_.last_index() >= prev_index || term_ != term; };
    co_await wait_until(std::move(gap_filled), Clock::now() + context_.config.heartbeat_interval);
    if (term_ != term) co_return refuse();
  }
  const auto old_last = log_entries_.last_index();
  auto accepted = log_entries_.accept(prev_index, request.header.prev_term, request.entries);
  if (!accepted.ok) co_return refuse(accepted.conflict.term, accepted.conflict.index);
  if (accepted.first_new <= log_entries_.last_index()) changed_.notify();  // an overtaking append may go on
  const auto last_new = request.last();
  if (accepted.first_new <= log_entries_.last_index() || old_last > log_entries_.last_index()) {
    persisted_ = std::min(persisted_, accepted.first_new - 1);  // a truncated suffix is not ours any more
    co_await persist_entries(accepted.first_new, old_last);     // durable before we acknowledge
  }
  if (term_ != term) co_return refuse();
  if (persisted_ < last_new && accepted.first_new > last_new) {
    // Nothing new here, but an earlier append of these entries may still be on its way to
    // disk (a retry after a timeout, or pipelining): acknowledge only once it is durable.
    // Refuse before the leader gives up on this call, so that a slow or full disk still
    // lets the leader hear from us (CheckQuorum, ReadIndex) instead of losing its majority.
    std::function<bool()> durable = [&] { return persisted_ >= last_new || term_ != term; };
    co_await wait_until(std::move(durable), Clock::now() + context_.config.rpc_timeout / 2);
    if (term_ != term || persisted_ < last_new) co_return refuse();
  }
  // Appends of one term never truncate each other, so what this one wrote is still there;
  // group commit is FIFO, so every earlier append's entries are durable too.
  if (persisted_ < last_new) {
    persisted_ = std::min(last_new, log_entries_.last_index());
    changed_.notify();
  }
  const auto leader_commit = request.header.commit;
  if (leader_commit > commit_) {
    commit_ = std::max(commit_, std::min(leader_commit, last_new));
    changed_.notify();  // the apply loop applies it
  }
  co_return AppendReply{term_, true, last_new};
}

asio::awaitable<void> Raft::persist_entries(std::uint64_t from, std::uint64_t old_last) {
  Batch batch;
  for (auto index = log_entries_.last_index() + 1; index <= old_last; ++index)  // a truncated suffix
    batch.push_back({Keyspace::raft_log, index_key(index), std::nullopt});
  add_entries(batch, log_entries_, from, log_entries_.last_index());
  co_await context_.store.commit(std::move(batch));
}

}  // namespace sysdist::cp
