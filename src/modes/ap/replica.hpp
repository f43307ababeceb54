// Replica: this node's copies of AP records, its hints, and the Merkle summaries of the
// keys it shares with each peer.
//
// merge() is last-writer-wins: a record is stored only if its version is newer than the
// local copy (or the copy being written), so the writes queued for one key are strictly
// increasing and group commit's FIFO order keeps the newest. Durable (fsync) on return,
// before the caller acknowledges anything. A stand-in stores a hint in the same batch.
// A key is "shared" with peer p when both this node and p are in its preference list;
// the per-peer summaries are updated as records change and rebuilt by load().
#pragma once
#include <map>
#include <memory>

#include <boost/asio/awaitable.hpp>
#include <spdlog/logger.h>

#include "common/narrator.hpp"
#include "modes/ap/merkle.hpp"
#include "modes/ap/ring.hpp"
#include "node/mode.hpp"

namespace sysdist::ap {

struct Hint {
  std::size_t target;  // the replica the record belongs to
  std::string key;
  Record record;
};

class Replica {
 public:
  Replica(const ModeContext& context, const Ring& ring, std::shared_ptr<spdlog::logger> log);

  // Rebuilds the Merkle summaries from the store (at start).
  void load();

  std::optional<Record> get(const std::string& key) const;
  // Stores `record` if newer than what this node has; with `hint_for`, also keeps a hint
  // for that replica. Returns whether the record was newer.
  boost::asio::awaitable<bool> merge(std::string key, Record record, std::optional<std::size_t> hint_for = {});
  // Overwrites whatever is there (the original's /quorum/repair, used to plant old values).
  boost::asio::awaitable<void> overwrite(std::string key, Record record);
  boost::asio::awaitable<void> drop(std::vector<std::string> keys);  // tombstone garbage collection

  bool shares(const std::string& key, std::size_t peer) const;
  const MerkleLeaves& summary_for(std::size_t peer) const { return summaries_[peer]; }
  // This node's entries shared with `peer` whose keys fall in `leaves`.
  std::vector<std::pair<std::string, Record>> entries(std::size_t peer, const std::vector<std::size_t>& leaves) const;
  // Every record, for garbage collection and dumps.
  void for_each(const std::function<void(const std::string&, const Record&)>& visit) const;

  std::vector<Hint> hints() const;
  // Keeps a hint only (no copy of the value here): the coordinator's last resort when no
  // node could stand in for an unreachable replica.
  boost::asio::awaitable<void> keep_hint(std::size_t target, std::string key, Record record);
  // Drops hints that were handed off, unless a newer write replaced one meanwhile, and the
  // stand-in's own copy when this node is not one of the key's replicas.
  boost::asio::awaitable<void> drop_hints(const std::vector<Hint>& handed_off);

  HybridClock& clock() { return clock_; }

 private:
  void track(const std::string& key, const std::optional<Record>& before, const Record& after);

  const ModeContext& context_;
  const Ring& ring_;
  std::shared_ptr<spdlog::logger> log_;
  Narrator stored_steps_{log_, "stored"};  // one line per stored copy at demo rates
  Narrator hint_steps_{log_, "hints kept:"};  // while a replica is down
  HybridClock clock_;
  std::vector<MerkleLeaves> summaries_;           // per peer
  std::map<std::string, Version> being_written_;  // newest version queued per key
};

std::string hint_key(const Membership& membership, std::size_t target, const std::string& key);

}  // namespace sysdist::ap
