// Progress: what a leader knows about one follower's log (pure), for pipelined
// replication. next is the index to send next, match the highest index known stored there.
//   probing:    after an election or a rejection, one AppendEntries at a time until one matches
//   replicating: several AppendEntries in flight (up to max_in_flight), next advanced
//               optimistically as each is sent
// A rejection moves next back (fast back-tracking) and returns to probing; a stale
// acknowledgement (an index at or below match) changes nothing. A failed call (the follower
// did not answer), or a rejection that cannot back off any further, pauses sending until
// the next heartbeat, so a follower that cannot take entries is not flooded.
#pragma once
#include <cstdint>

#include "modes/cp/raft_log.hpp"

namespace sysdist::cp {

class Progress {
 public:
  Progress(std::uint64_t leader_last_index, std::size_t max_in_flight)
      : next_(leader_last_index + 1), max_in_flight_(max_in_flight) {}

  std::uint64_t next() const { return next_; }
  std::uint64_t match() const { return match_; }
  bool probing() const { return probing_; }
  std::size_t in_flight() const { return in_flight_; }
  // Whether another AppendEntries may go out now.
  bool can_send() const { return !paused_ && (probing_ ? in_flight_ == 0 : in_flight_ < max_in_flight_); }
  // A heartbeat is due: try again even after a failure.
  void resume() { paused_ = false; }
  // The follower cannot take it now (a snapshot while it installs another): wait for a heartbeat.
  void pause() { paused_ = true; }

  // An AppendEntries carrying entries up to `last_sent` went out.
  void sent(std::uint64_t last_sent);
  // The follower stored everything up to `index`.
  void acknowledged(std::uint64_t index);
  // The follower rejected: resume from the index the leader's log suggests for `conflict`.
  void rejected(const Conflict& conflict, const RaftLog& leader_log);
  // A call failed (timeout, connection): re-send from the last known match.
  void failed();

 private:
  std::uint64_t next_;
  std::uint64_t match_ = 0;
  bool probing_ = true;
  bool paused_ = false;
  std::size_t in_flight_ = 0;
  std::size_t max_in_flight_;
};

}  // namespace sysdist::cp
