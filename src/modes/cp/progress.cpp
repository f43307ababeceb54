#include "modes/cp/progress.hpp"

#include <algorithm>

namespace sysdist::cp {

void Progress::sent(std::uint64_t last_sent) {
  ++in_flight_;
  if (!probing_) next_ = std::max(next_, last_sent + 1);
}

void Progress::acknowledged(std::uint64_t index) {
  if (in_flight_ > 0) --in_flight_;
  if (index <= match_) return;  // stale or duplicate acknowledgement
  match_ = index;
  next_ = std::max(next_, index + 1);
  probing_ = false;
}

void Progress::rejected(const Conflict& conflict, const RaftLog& leader_log) {
  if (in_flight_ > 0) --in_flight_;
  const auto suggested = leader_log.next_after_conflict(conflict);
  const auto before = next_;
  next_ = std::max(match_ + 1, std::min(next_, suggested));
  probing_ = true;
  // A rejection at the last known match (the follower lost entries it had acknowledged,
  // or is not ready yet) cannot back off further: wait for the next heartbeat.
  if (next_ == before && next_ == match_ + 1) paused_ = true;
}

void Progress::failed() {
  if (in_flight_ > 0) --in_flight_;
  next_ = match_ + 1;
  probing_ = true;
  paused_ = true;
}

}  // namespace sysdist::cp
