// Applying committed entries to the key-value state machine (kv_state_machine.hpp), and what
// each proposal's outcome is. One loop does every state machine write for the node's life,
// so an apply batch and a snapshot install never overlap; it also compacts the log.
#include "common/net.hpp"
#include "common/logging.hpp"
#include "modes/cp/command.hpp"
#include "modes/cp/log_storage.hpp"
#include "modes/cp/raft.hpp"

namespace sysdist::cp {

asio::awaitable<void> Raft::apply_loop() {
  while (!stopped_) {
    std::function<bool()> work = [this] { return stopped_ || pending_install_ || applied_ < commit_; };
    co_await wait_until(std::move(work), Clock::time_point::max());
    if (stopped_) break;
    if (pending_install_) {
      co_await install(*pending_install_);
      continue;
    }
    co_await apply_next_batch();
    if (applied_ >= commit_) co_await compact_if_due();
  }
}

asio::awaitable<void> Raft::apply_next_batch() {
  const auto from = std::max(applied_, log_entries_.snapshot_index()) + 1;
  const auto to = std::min(commit_, applied_ + 512);
  auto batch = apply_entries(log_entries_, from, to, context_.store);
  // No fsync of its own: the entries are durable in the log, and a crash that loses this
  // write loses "raft/applied" with it, so the node re-applies them after restart.
  co_await context_.store.commit(std::move(batch.writes), Durability::ordered);
  for (auto& entry : batch.entries) {
    decide_proposals(entry);
    narrate(entry);
  }
  applied_ = std::max(applied_, to);
  changed_.notify();
}

void Raft::narrate(const AppliedEntry& entry) {
  applied_steps_.step([&]() -> std::string {
    auto command = decode_command(log_entries_.at(entry.index).command);  // only for lines printed
    if (!command || command->op == Command::Op::noop) return "";
    const auto where = "term " + std::to_string(entry.term) + ": applied index " + std::to_string(entry.index) + ": ";
    const auto key = preview(command->key);
    if (command->op == Command::Op::del) return where + "delete '" + key + "'";
    const auto put = "'" + key + "'='" + preview(command->value) + "'";
    if (command->op == Command::Op::put) return where + "put " + put;
    return where + "put " + put + " if '" + preview(command->expected) + "'" +
           (entry.condition_failed ? " -- not applied, the value differed" : "");
  });
}

// The outcome of every command proposed here at the entry's index, now that it applied.
void Raft::decide_proposals(const AppliedEntry& entry) {
  const auto index = entry.index;
  for (auto it = proposals_.lower_bound({index, 0}); it != proposals_.end() && it->first.first == index; ++it) {
    if (it->second) continue;
    if (it->first.second != entry.term)  // another leader's entry took the index: ours was never applied
      it->second = Result::fail(Outcome::unavailable, "leadership_lost", "Leadership changed before the write committed");
    else if (entry.condition_failed)
      it->second = Result::fail(Outcome::precondition_failed, "precondition_failed",
                                "The current value is not the expected one; nothing was written");
    else
      it->second = Result::ok();
  }
}

// Every --snapshot-entries applied entries, the log before the applied index is dropped:
// the data keyspace holds the state, so compaction only moves where the log starts.
asio::awaitable<void> Raft::compact_if_due() {
  const auto from = log_entries_.snapshot_index();
  if (applied_ - from < context_.config.snapshot_entries) co_return;
  // Keep a tail of applied entries: a follower a little behind gets entries, not a snapshot.
  const auto tail = std::min<std::uint64_t>(1000, context_.config.snapshot_entries / 2);
  const auto index = applied_ - tail;
  const auto term = *log_entries_.term_at(index);
  Batch batch{{Keyspace::meta, "raft/snapshot_index", std::to_string(index)},
              {Keyspace::meta, "raft/snapshot_term", std::to_string(term)},
              erase_range(Keyspace::raft_log, index_key(from + 1), index_key(index + 1))};
  // One range tombstone, and no sync of its own: the batch is atomic and the write-ahead log
  // one stream, so a crash loses it only together with what follows, and the node restarts
  // with the whole log and the earlier snapshot index. A synced write of one tombstone per
  // entry stopped the apply loop for tens of milliseconds every --snapshot-entries: the p99.
  co_await context_.store.commit(std::move(batch), Durability::ordered);
  log_entries_.compact(index, term);
  log_->info("snapshot at index {} (term {}): dropped {} log entries", index, term, index - from);
}

}  // namespace sysdist::cp
