// The key-value state machine that Raft replicates: the data keyspace itself, with meta
// "raft/applied" (written in the same batch) saying how far it got. Commands are put,
// delete and compare-and-set (applies only over the expected value). Pure: it turns log
// entries into one storage batch and says what each entry did; Raft writes the batch.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "modes/cp/messages.hpp"
#include "modes/cp/raft_log.hpp"
#include "storage/store.hpp"

namespace sysdist::cp {

struct AppliedEntry {
  std::uint64_t index = 0, term = 0;
  bool condition_failed = false;  // a compare-and-set that found another value: no effect
};

struct ApplyBatch {
  Batch writes;  // the data changes and "raft/applied"
  std::vector<AppliedEntry> entries;
};

// Entries from..to of `log`, applied in order over what `store` holds.
ApplyBatch apply_entries(const RaftLog& log, std::uint64_t from, std::uint64_t to, const Store& store);

// The whole state, for a follower that is behind the log's start.
Pairs snapshot_pairs(const Store& store);

// What replaces a node's state with a snapshot at `index` (`term`): every data key and log
// entry dropped, the snapshot's pairs written, applied and snapshot markers at `index`.
Batch install_batch(const Store& store, const Pairs& pairs, std::uint64_t index, std::uint64_t term);

}  // namespace sysdist::cp
