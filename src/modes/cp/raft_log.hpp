// RaftLog: the replicated log of CP mode, in memory (pure: no Asio, no clock, no storage;
// the mode persists what it appends before acting on it).
//
// Indexes start at 1. After a snapshot, entries up to snapshot_index() are gone and only
// that index's term is remembered (for the consistency check of the next AppendEntries).
// Invariants: indexes are contiguous; terms never decrease along the log.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sysdist::cp {

struct Entry {
  std::uint64_t term = 0;
  std::string command;  // the state machine's command, opaque here
};

// What a follower tells a leader whose AppendEntries did not match, so the leader can
// skip a whole term per round trip instead of one entry (fast back-tracking).
struct Conflict {
  std::uint64_t term = 0;   // term of the follower's entry at prev_index (0: the follower's log is shorter)
  std::uint64_t index = 0;  // first index of that term in the follower's log, or last_index() + 1
};

class RaftLog {
 public:
  std::uint64_t last_index() const { return snapshot_index_ + entries_.size(); }
  std::uint64_t last_term() const { return entries_.empty() ? snapshot_term_ : entries_.back().term; }
  std::uint64_t snapshot_index() const { return snapshot_index_; }
  // Term of the entry at `index`; nullopt when compacted away (below the snapshot) or beyond the end.
  std::optional<std::uint64_t> term_at(std::uint64_t index) const;
  const Entry& at(std::uint64_t index) const { return entries_[index - snapshot_index_ - 1]; }

  // Leader: appends a new entry of its term; returns its index.
  std::uint64_t append(Entry entry);

  // Follower, on AppendEntries(prev_index, prev_term, entries): false with a Conflict when
  // the log has no entry prev_index of term prev_term; otherwise truncates at the first
  // entry whose term differs and appends the rest. `first_new` is set to the first index
  // written (last_index() + 1 when nothing changed), so the caller knows what to persist.
  struct Accepted {
    bool ok = false;
    Conflict conflict;
    std::uint64_t first_new = 0;
  };
  Accepted accept(std::uint64_t prev_index, std::uint64_t prev_term, const std::vector<Entry>& entries);

  // Leader, on a Conflict: the next index to try for that follower.
  std::uint64_t next_after_conflict(const Conflict& conflict) const;

  // Entries from `from` (inclusive), at most `max` of them.
  std::vector<Entry> slice(std::uint64_t from, std::size_t max) const;

  // Forgets entries up to `index` (they are in a snapshot whose last entry had `term`).
  void compact(std::uint64_t index, std::uint64_t term);
  // Replaces everything with a snapshot's position (InstallSnapshot on a follower).
  void reset(std::uint64_t snapshot_index, std::uint64_t snapshot_term);

 private:
  std::uint64_t snapshot_index_ = 0, snapshot_term_ = 0;
  std::vector<Entry> entries_;
};

// Election rule (Raft 5.4.1): a vote goes only to a candidate whose log is at least as
// up-to-date as the voter's: a later last term, or the same last term and at least as long.
bool candidate_log_is_up_to_date(std::uint64_t candidate_last_term, std::uint64_t candidate_last_index,
                                 const RaftLog& voter_log);

// Commit rule (Raft 5.3, 5.4.2): the highest index stored on a majority (the leader's own
// last index included in `match_indexes`) -- but only if that entry is of the leader's
// current term; otherwise the commit index stays where it was.
std::uint64_t commit_index_for(std::vector<std::uint64_t> match_indexes, std::uint64_t current_term, const RaftLog& log,
                               std::uint64_t commit_index);

}  // namespace sysdist::cp
