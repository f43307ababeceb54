// The leader's own log and the commit rule. The leader writes its new entries in parallel
// with replicating them and counts itself in the commit majority only once they are
// durable. While a majority of followers answers, their synced copies commit the entries
// (Raft thesis 10.2.1) and its own write needs no fsync; it syncs only when its vote is
// needed to commit more, and before it becomes a follower (raft.cpp).
#include "common/net.hpp"
#include "modes/cp/log_storage.hpp"
#include "modes/cp/raft.hpp"

namespace sysdist::cp {

namespace {
// How long a leader whose followers answer waits for their acknowledgements before it syncs
// its own copy to commit with its vote: about a replication round under load.
constexpr std::chrono::milliseconds leader_sync_grace{5};
}  // namespace

asio::awaitable<void> Raft::persist_loop(std::uint64_t term) {
  while (leading(term)) {
    std::function<bool()> new_entries = [&] { return !leading(term) || handed_to_storage_ < log_entries_.last_index(); };
    co_await wait_until(std::move(new_entries), Clock::time_point::max());
    // Entries proposed during this turn of the event loop are written together.
    co_await asio::post(executor_, asio::use_awaitable);
    if (!leading(term) || handed_to_storage_ >= log_entries_.last_index()) continue;
    const auto durability = followers_can_commit_alone() ? Durability::ordered : Durability::durable;
    const auto from = handed_to_storage_ + 1, to = log_entries_.last_index();
    handed_to_storage_ = to;
    spawn(write_own_entries(from, to, durability, term), "raft persist");  // writes overlap: group commit
  }
}

asio::awaitable<void> Raft::write_own_entries(std::uint64_t from, std::uint64_t to, Durability durability,
                                              std::uint64_t term) {
  Batch batch;
  add_entries(batch, log_entries_, from, to);
  co_await context_.store.commit(std::move(batch), durability);
  if (log_entries_.term_at(to) != term) co_return;
  written_ = std::max(written_, to);
  if (durability == Durability::durable) persisted_ = std::max(persisted_, to);
  advance_commit();
}

asio::awaitable<void> Raft::sync_loop(std::uint64_t term) {
  while (leading(term)) {
    std::function<bool()> vote_needed = [&] { return !leading(term) || own_vote_would_commit_more(); };
    co_await wait_until(std::move(vote_needed), Clock::time_point::max());
    // Followers that answer usually commit the entries within a round: give them that long.
    if (leading(term) && followers_can_commit_alone()) {
      Timer grace(executor_, leader_sync_grace);
      co_await grace.async_wait(use_tuple);
    }
    if (leading(term) && own_vote_would_commit_more()) co_await sync_written();
    advance_commit();
  }
}

asio::awaitable<void> Raft::sync_written() {
  const auto up_to = written_;
  const auto term = log_entries_.term_at(up_to);
  // Any synced write makes every earlier one durable: the write-ahead log is one stream.
  Batch batch{{Keyspace::meta, "raft/synced", std::to_string(up_to)}};
  co_await context_.store.commit(std::move(batch));
  if (term && log_entries_.term_at(up_to) == term) persisted_ = std::max(persisted_, up_to);
  changed_.notify();
}

bool Raft::followers_can_commit_alone() const {
  const auto now = Clock::now();
  std::size_t answering = 0;
  for (auto& [peer, at] : last_ack_)
    if (now - at < 2 * context_.config.heartbeat_interval) ++answering;
  return answering >= context_.config.membership.size() / 2 + 1;
}

std::uint64_t Raft::commit_with_own_copy_at(std::uint64_t own) const {
  std::vector<std::uint64_t> matches{own};
  for (auto& [peer, p] : progress_) matches.push_back(p.match());
  return commit_index_for(std::move(matches), term_, log_entries_, commit_);
}

bool Raft::own_vote_would_commit_more() const {
  return written_ > persisted_ && commit_with_own_copy_at(written_) > commit_;
}

void Raft::advance_commit() {
  if (role_ != Role::leader) return;
  const auto commit = commit_with_own_copy_at(persisted_);
  if (commit > commit_) commit_ = commit;
  changed_.notify();  // the apply loop applies what committed; the sync loop sees if its vote is needed
}

}  // namespace sysdist::cp
