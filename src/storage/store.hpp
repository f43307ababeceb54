// Store: the node's durable local state, split into keyspaces.
//
// On-disk layout (RocksDB, one column family per keyspace, under the node's data dir):
//   data  user key -> user value (CA), or user key -> versioned record (AP): the state this
//         node serves reads from.
//   txn   CA transaction id -> JSON transaction record (see modes/ca/txn.hpp): prepared,
//         committed or aborted; survives restarts so in-doubt transactions can be resolved.
//   meta  small node facts: "incarnation" (decimal, bumped at every start) and
//         "node/identity" ("MODE member-number host:port,..." from the first start: a node of
//         another mode, membership or member refuses this dir; node/data_dir.hpp).
//   hints AP: "<target host:port>\x1f<key>" -> record (modes/ap/version.hpp) a stand-in
//         keeps for a replica that was unreachable, until it is handed off.
//   raft_log CP: 20-digit zero-padded index -> "<term>\n<command>" (the command's binary
//         frame, modes/cp/command.hpp; logs written before held {"term","cmd"} JSON). The term and
//         vote live in meta ("raft/term", "raft/vote"), the last applied index in meta
//         ("raft/applied"), written with the data it applied; "raft/synced" is what a leader
//         writes to sync the entries it wrote without a sync (its value is not read).
//
// Reads are synchronous (memtable/block cache; safe from any thread). Writes go through
// commit(), which is durable (fsync'd) when it returns: concurrent commits are merged
// into one synced write on the storage thread (group commit), never on the event loop.
// A commit marked Durability::ordered returns once written (reads see it) without waiting
// for a disk sync: a crash may lose it, but only together with every later commit, as the
// write-ahead log is one ordered stream (the next durable commit makes it durable too).
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

namespace sysdist {

enum class Keyspace { data, txn, meta, hints, raft_log };
inline constexpr Keyspace all_keyspaces[] = {Keyspace::data, Keyspace::txn, Keyspace::meta, Keyspace::hints,
                                             Keyspace::raft_log};
const char* keyspace_name(Keyspace space);

struct Mutation {
  Keyspace space;
  std::string key;
  std::optional<std::string> value;  // nullopt deletes the key
  // Set (with no value): deletes every key from `key` up to, not including, this one, as a
  // single mutation (RocksDB's DeleteRange): dropping a compacted log is one write, not one
  // per entry.
  std::string range_end = {};
};
Mutation erase_range(Keyspace space, std::string from, std::string to);
using Batch = std::vector<Mutation>;
enum class Durability { durable, ordered };

class Store {
 public:
  virtual ~Store() = default;
  virtual std::optional<std::string> get(Keyspace space, std::string_view key) const = 0;
  // Visits every entry of a keyspace in key order.
  virtual void for_each(Keyspace space,
                        const std::function<void(std::string_view key, std::string_view value)>& visit) const = 0;
  // Applies the batch atomically; returns once it is durable (or, ordered, written). While
  // the disk is full a commit waits until space returns (it is never acknowledged unwritten).
  virtual boost::asio::awaitable<void> commit(Batch batch, Durability durability = Durability::durable) = 0;
  // True while the disk is full: new client writes are refused (507) instead of waiting.
  virtual bool full() const { return false; }
};

}  // namespace sysdist
