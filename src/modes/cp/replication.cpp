// The leader's side of log replication (Raft section 5.3), one loop per follower and term:
// pipelined AppendEntries while the follower keeps matching (Progress bounds how many are
// in flight), fast back-tracking on a conflict, a snapshot for a follower behind the log's
// start, and heartbeats that keep it in touch even while its window is full.
#include "common/limits.hpp"
#include "common/net.hpp"
#include "modes/cp/raft.hpp"

namespace sysdist::cp {

asio::awaitable<void> Raft::replicate(std::size_t peer, std::uint64_t term) {
  Timer wait(executor_);
  auto next_heartbeat = Clock::now();
  while (leading(term)) {
    auto it = progress_.find(peer);
    if (it == progress_.end()) co_return;
    auto& progress = it->second;
    const bool heartbeat_due = Clock::now() >= next_heartbeat;
    if (heartbeat_due) progress.resume();
    const bool behind = progress.next() <= log_entries_.last_index();
    if (heartbeat_due && !progress.can_send()) {  // the window is held by appends in flight
      next_heartbeat = Clock::now() + context_.config.heartbeat_interval;
      spawn([](Raft& raft, std::size_t peer, std::uint64_t term) -> asio::awaitable<void> {
        co_await raft.heartbeat(peer, term);
      }(*this, peer, term), "raft heartbeat");
      continue;
    }
    if (progress.can_send() && (behind || heartbeat_due)) {
      next_heartbeat = Clock::now() + context_.config.heartbeat_interval;
      if (progress.next() <= log_entries_.snapshot_index()) {
        co_await send_snapshot(peer, term);  // one at a time: it is big
        continue;
      }
      // Each answer wakes this loop to send the next.
      spawn(send_append(peer, term, next_append(progress, term)), "raft append");
      continue;
    }
    // Sleep until a new entry or an answer arrives, or the next heartbeat is due (a heartbeat
    // due while the window is full waits for an answer, or one more interval).
    auto wake_at = next_heartbeat;
    if (wake_at <= Clock::now()) wake_at = Clock::now() + context_.config.heartbeat_interval;
    co_await replicators_.wait_for_news(wake_at);
  }
}

Raft::Append Raft::next_append(Progress& progress, std::uint64_t term) {
  const auto prev_index = progress.next() - 1;
  const AppendHeader header{term, context_.config.membership.self, prev_index,
                            log_entries_.term_at(prev_index).value_or(0), commit_};
  std::size_t count = 0;
  auto body = append_body(header, log_entries_, prev_index + 1, count, limits::max_peer_body_bytes);
  progress.sent(prev_index + count);
  return Append{PeerRequest{"POST", "/raft/append", std::move(body)}, prev_index + count};
}

asio::awaitable<void> Raft::send_append(std::size_t peer, std::uint64_t term, Append append) {
  auto reply =
      co_await call_follower(peer, term, std::move(append.request), append.last, context_.config.rpc_timeout);
  auto it = progress_.find(peer);
  if (reply && it != progress_.end()) {
    if (reply->success) {
      it->second.acknowledged(reply->match);
      advance_commit();
    } else {
      it->second.rejected(Conflict{reply->conflict_term, reply->conflict_index}, log_entries_);
    }
  }
  replicators_.notify();  // the window has room again, or the follower needs another start
}

asio::awaitable<bool> Raft::heartbeat(std::size_t peer, std::uint64_t term) {
  auto it = progress_.find(peer);
  if (!leading(term) || it == progress_.end()) co_return false;
  const auto match = it->second.match();
  const AppendHeader header{term, context_.config.membership.self, match, log_entries_.term_at(match).value_or(0),
                            std::min(commit_, match)};
  std::size_t none = 0;
  PeerRequest request{"POST", "/raft/append", append_body(header, log_entries_, log_entries_.last_index() + 1, none, 0)};
  auto result = co_await context_.transport.call(peer, std::move(request), context_.config.rpc_timeout);
  if (!leading(term)) co_return false;
  auto reply = result.answered_ok() ? parse_append_reply(result.reply.body) : std::nullopt;
  if (!reply) co_return false;
  if (reply->term > term_) {
    co_await become_follower(reply->term, std::nullopt);
    co_return false;
  }
  last_ack_[peer] = Clock::now();  // it answered in this term, whatever it says of its log
  co_return true;
}

asio::awaitable<std::optional<AppendReply>> Raft::call_follower(std::size_t peer, std::uint64_t term,
                                                                PeerRequest request, std::uint64_t last_sent,
                                                                std::chrono::milliseconds timeout) {
  auto result = co_await context_.transport.call(peer, std::move(request), timeout);
  if (!leading(term)) co_return std::nullopt;  // things changed while we waited
  auto reply = result.answered_ok() ? parse_append_reply(result.reply.body) : std::nullopt;
  if (reply && reply->success && reply->match > last_sent) reply.reset();  // it cannot hold what we did not send
  if (!reply) {
    if (auto it = progress_.find(peer); it != progress_.end()) it->second.failed();
    co_return std::nullopt;
  }
  if (reply->term > term_) {
    co_await become_follower(reply->term, std::nullopt);
    co_return std::nullopt;
  }
  last_ack_[peer] = Clock::now();
  co_return reply;
}

}  // namespace sysdist::cp
