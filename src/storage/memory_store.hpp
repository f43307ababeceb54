// MemoryStore: Store in memory, for protocol tests. "Durable" means it outlives the Mode
// objects that use it, so a test can crash a node (destroy its mode) and restart it on the
// same store. Commits complete at once, in order (ordered ones too: tests that crash
// nodes model their loss in CrashableStore).
#pragma once
#include <map>

#include "storage/store.hpp"

namespace sysdist {

class MemoryStore final : public Store {
 public:
  std::optional<std::string> get(Keyspace space, std::string_view key) const override;
  void for_each(Keyspace space, const std::function<void(std::string_view, std::string_view)>& visit) const override;
  boost::asio::awaitable<void> commit(Batch batch, Durability durability = Durability::durable) override;

 private:
  std::map<std::string, std::string, std::less<>> spaces_[std::size(all_keyspaces)];
};

}  // namespace sysdist
