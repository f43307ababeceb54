// Coordinator: AP reads and writes on a sloppy quorum (any node coordinates any key).
//
// Targets: the key's preference list (first N of its ring walk), skipping members whose
// last call failed; the members after them in the walk are spares. When a target fails,
// the next spare stands in for it and keeps a hint (sloppy quorum, hinted handoff).
//   write: version from the HLC -> store on the targets in parallel -> 201 once W stored
//          it durably; 504 when fewer did in time (copies that landed may still spread);
//          422 only when every attempt was refused (nobody stored it).
//   read:  ask the targets -> answer with the newest of the first R answers (404 for a
//          tombstone or nothing; 503 when fewer than R answered) -> keep collecting the
//          stragglers and repair every replica that answered with something older.
#pragma once
#include <deque>

#include <boost/asio/awaitable.hpp>
#include <spdlog/logger.h>

#include "common/narrator.hpp"
#include "modes/ap/read_tally.hpp"
#include "modes/ap/replica.hpp"
#include "peer/quorum_round.hpp"

namespace sysdist::ap {

class Coordinator {
 public:
  Coordinator(const ModeContext& context, const Ring& ring, Replica& replica, std::shared_ptr<spdlog::logger> log);

  boost::asio::awaitable<Result> write(std::string key, std::optional<std::string> value);
  boost::asio::awaitable<Result> read(std::string key);
  std::uint64_t read_repairs() const { return read_repairs_; }

  // Stores a record on one node (this one: locally), as a replica or as a stand-in.
  // refused: definitely not stored (connection refused, or an error answer); unknown: no
  // answer in time, so it may have been stored.
  enum class Stored { yes, refused, unknown };
  boost::asio::awaitable<Stored> store_on(std::size_t node, std::string key, Record record,
                                          std::optional<std::size_t> hint_for);

 private:
  struct Plan {
    std::vector<std::size_t> intended;  // the preference list
    std::vector<std::size_t> targets;   // who is asked first
    std::deque<std::size_t> spares;     // who stands in when a target fails
  };
  struct WriteRound;
  struct ReadRound;

  Plan plan(const std::string& key) const;
  bool suspected(std::size_t node) const;
  void launch_write(std::shared_ptr<WriteRound> round, std::size_t node, std::optional<std::size_t> hint_for);
  boost::asio::awaitable<void> write_to(std::shared_ptr<WriteRound> round, std::size_t node,
                                        std::optional<std::size_t> hint_for);
  void launch_read(std::shared_ptr<ReadRound> round, std::size_t node);
  boost::asio::awaitable<void> read_from(std::shared_ptr<ReadRound> round, std::size_t node);
  boost::asio::awaitable<void> repair_when_all_answered(std::shared_ptr<ReadRound> round);
  std::string name(std::size_t node) const { return std::to_string(node + 1); }

  const ModeContext& context_;
  const Ring& ring_;
  Replica& replica_;
  std::shared_ptr<spdlog::logger> log_;
  // One line per write at demo rates, a count per second under load.
  Narrator put_steps_{log_, "PUT requests:"};
  Narrator put_answers_{log_, "PUT answers:"};
  Narrator stand_in_steps_{log_, "stand-ins for failed replicas:"};  // while a node is down
  Narrator repair_steps_{log_, "read repairs:"};
  std::uint64_t read_repairs_ = 0;
};

}  // namespace sysdist::ap
