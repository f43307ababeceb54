// LockTable: which transaction holds each key (one prepared transaction per key at a
// time, SPEC 3/CA). Pure. A participant takes the lock before it votes yes and releases it
// when the transaction is decided.
#pragma once
#include <map>
#include <optional>
#include <string>

namespace sysdist::ca {

class LockTable {
 public:
  // True when `txn` now holds `key` (also when it already did).
  bool try_lock(const std::string& key, const std::string& txn);
  // Releases `key` if `txn` holds it; a release by another transaction changes nothing.
  void unlock(const std::string& key, const std::string& txn);
  std::optional<std::string> holder(const std::string& key) const;
  std::size_t size() const { return holders_.size(); }

 private:
  std::map<std::string, std::string> holders_;
};

}  // namespace sysdist::ca
