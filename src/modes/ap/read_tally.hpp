// ReadTally: the answers of one quorum read (pure). Each replica answers with its record
// or "nothing here"; the newest version wins (last writer wins) and every replica that
// answered with something older, or nothing, is stale and gets repaired.
#pragma once
#include <optional>
#include <vector>

#include "modes/ap/version.hpp"

namespace sysdist::ap {

class ReadTally {
 public:
  void add(std::size_t replica, std::optional<Record> record);
  std::size_t answers() const { return answers_.size(); }
  const std::optional<Record>& newest() const { return newest_; }
  // Replicas whose answer is older than newest() (or empty while newest() is not).
  std::vector<std::size_t> stale() const;

 private:
  std::vector<std::pair<std::size_t, std::optional<Record>>> answers_;
  std::optional<Record> newest_;
};

}  // namespace sysdist::ap
