#include "modes/ap/read_tally.hpp"

namespace sysdist::ap {

void ReadTally::add(std::size_t replica, std::optional<Record> record) {
  if (record && (!newest_ || newest_->version < record->version)) newest_ = record;
  answers_.emplace_back(replica, std::move(record));
}

std::vector<std::size_t> ReadTally::stale() const {
  std::vector<std::size_t> out;
  if (!newest_) return out;
  for (const auto& [replica, record] : answers_)
    if (!record || record->version < newest_->version) out.push_back(replica);
  return out;
}

}  // namespace sysdist::ap
