#include "modes/ca/lock_table.hpp"

namespace sysdist::ca {

bool LockTable::try_lock(const std::string& key, const std::string& txn) {
  auto [it, inserted] = holders_.try_emplace(key, txn);
  return inserted || it->second == txn;
}

void LockTable::unlock(const std::string& key, const std::string& txn) {
  auto it = holders_.find(key);
  if (it != holders_.end() && it->second == txn) holders_.erase(it);
}

std::optional<std::string> LockTable::holder(const std::string& key) const {
  auto it = holders_.find(key);
  if (it == holders_.end()) return std::nullopt;
  return it->second;
}

}  // namespace sysdist::ca
