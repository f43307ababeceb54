// Coordinator: runs a client write as a two-phase-commit transaction over every node.
//
//   phase 1  lock the key here, then write our prepared record (also the coordinator's log)
//            while proposing to every other node in parallel; a "no" cancels the round
//   decide   all yes: commit locally -- the durable COMMIT decision, with the value --
//            before anyone hears of it; otherwise roll back locally (presumed abort)
//   phase 2  send the decision; answer the client 201 (commit) or 422 (abort)
//   forget   once every node acknowledged the decision, nobody can be in doubt about it:
//            its id is queued, and the mode's loop tells every node to drop the records
//            (ids nobody remembers read as aborted: presumed abort), so the txn keyspace
//            and the scan at start stay small.
// A participant that misses phase 2 resolves its doubt by asking (see Participant).
// A coordinator that restarts aborts every transaction it had not decided (recover()).
#pragma once
#include <deque>
#include <functional>

#include <boost/asio/awaitable.hpp>
#include <spdlog/logger.h>

#include "common/narrator.hpp"
#include "modes/ca/participant.hpp"

namespace sysdist::ca {

// Called at each named step of a transaction ("locked", "voted", "decided"); tests use
// it to crash the node exactly there.
using StepHook = std::function<void(std::string_view step)>;

class Coordinator {
 public:
  Coordinator(const ModeContext& context, Participant& local, std::shared_ptr<spdlog::logger> log, StepHook hook);

  // value nullopt deletes the key.
  boost::asio::awaitable<Result> write(std::string key, std::optional<std::string> value);
  // After a restart: abort what this node coordinated but never decided.
  boost::asio::awaitable<void> recover(const std::vector<Txn>& in_doubt);
  // Garbage collection: the records of transactions decided and known everywhere are
  // dropped on every node (POST /2pc/forget, then here); called by the mode's loop.
  boost::asio::awaitable<void> forget_decided();
  std::uint64_t forgotten() const { return forgotten_; }

 private:
  // By value: also spawned in the background, where the caller's strings are gone.
  // True when every peer acknowledged.
  boost::asio::awaitable<bool> send_decision(std::string id, TxnState decision, std::vector<std::size_t> peers);
  void known_everywhere(const std::string& id);
  void step(std::string_view name) const {
    if (hook_) hook_(name);
  }

  const ModeContext& context_;
  Participant& local_;
  std::shared_ptr<spdlog::logger> log_;
  // One line per transaction step at demo rates, a count per second under load.
  Narrator propose_steps_{log_, "transactions proposed:"};
  Narrator commit_steps_{log_, "transactions committed:"};
  StepHook hook_;
  std::uint64_t sequence_ = 0;
  std::deque<std::string> forgettable_;  // decided and acknowledged by every node: to forget
  std::uint64_t forgotten_ = 0;
};

}  // namespace sysdist::ca
