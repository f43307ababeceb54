// InstallSnapshot (Raft section 7): a follower that needs entries the leader has compacted
// away gets the whole state, in chunks of as many pairs as fit one message. The follower
// stages the chunks and hands the complete snapshot to its apply loop (commit_apply.cpp), which
// replaces its state with it between two apply batches.
#include "common/limits.hpp"
#include "common/net.hpp"
#include "modes/cp/raft.hpp"

namespace sysdist::cp {

asio::awaitable<bool> Raft::send_snapshot(std::size_t peer, std::uint64_t term) {
  // Read the state and its index together, with no suspension in between.
  SnapshotHeader header{term, context_.config.membership.self, applied_, log_entries_.term_at(applied_).value_or(0)};
  const auto pairs = snapshot_pairs(context_.store);
  log_->info("term {}: node {} is behind the log's start, sending a snapshot at index {} ({} keys)", term, peer + 1,
             header.index, pairs.size());
  for (;;) {  // at least one pair per chunk
    std::size_t count = 0;
    auto body = snapshot_body(header, pairs, count, limits::max_peer_body_bytes);
    const bool last = header.offset + count >= pairs.size();
    PeerRequest request{"POST", "/raft/snapshot", std::move(body)};
    auto reply =
        co_await call_follower(peer, term, std::move(request), header.index, 4 * context_.config.rpc_timeout);
    auto it = progress_.find(peer);
    if (!reply || it == progress_.end()) co_return false;
    if (!reply->success) {
      it->second.pause();
      co_return false;
    }
    if (last) {
      it->second.sent(header.index);
      it->second.acknowledged(reply->match);
      co_return true;
    }
    header.offset += count;
  }
}

asio::awaitable<AppendReply> Raft::on_snapshot(const SnapshotChunk& chunk) {
  const auto& h = chunk.header;
  const auto term = h.term;
  if (term < term_) co_return AppendReply{term_, false};
  const auto leader = static_cast<std::size_t>(h.leader);
  if (term > term_ || role_ != Role::follower || leader_ != leader) co_await become_follower(term, leader);
  if (term_ != term) co_return AppendReply{term_, false};
  last_leader_contact_ = Clock::now();
  reset_election_deadline();
  if (h.offset == 0 || staged_index_ != h.index) {
    staged_.clear();
    staged_index_ = h.index;
  }
  if (h.offset != staged_.size()) co_return AppendReply{term_, false};  // a chunk missed: start again
  staged_.insert(staged_.end(), chunk.pairs.begin(), chunk.pairs.end());
  if (!h.done) co_return AppendReply{term_, true};
  if (h.index <= applied_) co_return AppendReply{term_, true, h.index};  // it holds that much already
  if (pending_install_) co_return AppendReply{term_, false};             // one at a time: the leader retries
  auto snapshot = std::make_shared<Install>(Install{std::exchange(staged_, {}), h.index, h.last_term});
  pending_install_ = snapshot;
  changed_.notify();
  std::function<bool()> installed = [&] { return snapshot->done || stopped_; };
  co_await wait_until(std::move(installed), Clock::time_point::max());
  if (!snapshot->done) co_return AppendReply{term_, false};
  log_->info("term {}: installed a snapshot at index {} ({} keys) from node {}", term_, h.index,
             snapshot->pairs.size(), leader + 1);
  co_return AppendReply{term_, true, h.index};
}

// In the apply loop: replaces the whole state with the snapshot and starts the log after it.
asio::awaitable<void> Raft::install(Install& snapshot) {
  if (snapshot.index > applied_) {  // the loop may have applied past it meanwhile
    auto batch = install_batch(context_.store, snapshot.pairs, snapshot.index, snapshot.term);
    co_await context_.store.commit(std::move(batch));
    // Only now, with the state durable, do reads and the log move past the snapshot.
    log_entries_.reset(snapshot.index, snapshot.term);
    commit_ = std::max(commit_, snapshot.index);
    applied_ = std::max(applied_, snapshot.index);
    persisted_ = std::max(persisted_, snapshot.index);
    // Commands proposed here up to the snapshot may or may not be in it: nobody can tell now.
    for (auto it = proposals_.begin(); it != proposals_.end() && it->first.first <= snapshot.index; ++it)
      if (!it->second)
        it->second = Result::fail(Outcome::unknown, "commit_unknown",
                                  "A snapshot replaced the log here before the write's outcome was known; it may have applied");
  }
  snapshot.done = true;
  pending_install_.reset();
  changed_.notify();
}

}  // namespace sysdist::cp
