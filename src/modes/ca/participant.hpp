// Participant: one node's side of two-phase commit, for transactions it coordinates too.
//
// Order of persistence (persist before you promise):
//   prepare:  lock the key, write the prepared record (fsync), then vote yes.
//   commit:   write the committed record and the value in one batch, then unlock.
//   rollback: write the aborted record, then unlock.
// A decision a coordinator sent is written without a sync of its own (Durability::ordered):
// the coordinator logged it durably first, and this node's prepared record is durable, so a
// machine crash that loses the write leaves the transaction in doubt here, and asking the
// coordinator tells the decision again. Forgetting therefore takes two rounds: every
// participant first syncs its decisions (sync_decided, refused while an id is in doubt
// there), and only then are the records dropped anywhere: a node that dropped one would
// answer a question about it with "presumed abort". A hand-made decision (bin/commit.sh:
// no coordinator to ask) is synced.
// A question about a transaction this node never saw records it aborted first, so a late
// proposal for it votes no: that is what makes "unknown" a safe answer for cooperative
// termination and presumed abort.
//
// Transactions left prepared (in doubt) are resolved by resolve_in_doubt(): ask the
// coordinator; failing that, the other participants; a hand-made proposal (no coordinator)
// aborts after the in-doubt timeout.
#pragma once
#include <chrono>
#include <map>
#include <memory>

#include <boost/asio/awaitable.hpp>
#include <spdlog/logger.h>

#include "common/clock.hpp"
#include "common/narrator.hpp"
#include "modes/ca/lock_table.hpp"
#include "modes/ca/txn.hpp"
#include "node/mode.hpp"

namespace sysdist::ca {

struct VoteResult {
  bool yes = false;
  std::string reason;         // why not
  bool needs_record = false;  // lock_for(): locked in memory, the prepared record is still to be written
};

// What a commit or rollback request found: the transaction's state afterwards, or none.
using Decided = std::optional<TxnState>;

class Participant {
 public:
  Participant(const ModeContext& context, std::shared_ptr<spdlog::logger> log);

  // Re-takes the locks of transactions left prepared by the previous run; returns them.
  std::vector<Txn> recover();

  boost::asio::awaitable<VoteResult> prepare(Txn txn);
  // prepare() in two steps, so a coordinator can write its own record while its proposals
  // travel: lock_for() decides and locks at once (no I/O), record_prepared() writes the
  // record: durable for a participant's vote; a coordinator's own needs no sync (presumed
  // abort: a coordinator that lost it knows nothing, which reads as aborted, and it had
  // decided nothing yet), its decision's sync covers it.
  VoteResult lock_for(Txn txn);
  boost::asio::awaitable<VoteResult> record_prepared(std::string id, Durability durability = Durability::durable);
  // `durability`: ordered for a decision a coordinator sent (see above), durable for its own.
  boost::asio::awaitable<Decided> commit(const std::string& id, Durability durability = Durability::durable);
  boost::asio::awaitable<Decided> rollback(const std::string& id, Durability durability = Durability::durable);
  // The state, for a peer resolving its doubt; unknown ids are recorded aborted first.
  boost::asio::awaitable<TxnState> state_for_peer(const std::string& id);

  // Forgetting, round one: false if any of `ids` is in doubt here, else every decision
  // written so far is synced (they can no longer be lost to a crash).
  boost::asio::awaitable<bool> sync_decided(const std::vector<std::string>& ids);
  // Round two: drops the records of decided transactions every node has synced (never a
  // prepared one).
  boost::asio::awaitable<void> forget(const std::vector<std::string>& ids);

  // One pass over the transactions in doubt for at least `min_age`.
  boost::asio::awaitable<void> resolve_in_doubt(std::chrono::milliseconds min_age);

  std::optional<std::string> read(const std::string& key) const;
  boost::json::array prepared_view() const;
  std::size_t locks() const { return locks_.size(); }

 private:
  // /admin/events: the vote this node gave on a proposal.
  void emit_vote(const std::string& id, const std::string& key, bool yes, const std::string& why) const;
  struct Prepared {
    Txn txn;
    Clock::time_point since;
    bool deciding = false;  // a commit or rollback is being written
  };
  std::optional<TxnState> recorded_state(const std::string& id) const;
  boost::asio::awaitable<Decided> decide(const std::string& id, TxnState decision,
                                         Durability durability = Durability::durable);
  boost::asio::awaitable<std::optional<TxnState>> ask_peers(const Txn& txn);

  const ModeContext& context_;
  std::shared_ptr<spdlog::logger> log_;
  // One line per vote or decision at demo rates, a count per second under load.
  Narrator vote_steps_{log_, "votes:"};
  Narrator decision_steps_{log_, "decisions applied:"};
  LockTable locks_;
  std::map<std::string, Prepared> prepared_;  // by transaction id
};

}  // namespace sysdist::ca
