#include "storage/memory_store.hpp"

namespace sysdist {

std::optional<std::string> MemoryStore::get(Keyspace space, std::string_view key) const {
  const auto& m = spaces_[static_cast<int>(space)];
  auto it = m.find(key);
  if (it == m.end()) return std::nullopt;
  return it->second;
}

void MemoryStore::for_each(Keyspace space, const std::function<void(std::string_view, std::string_view)>& visit) const {
  for (const auto& [k, v] : spaces_[static_cast<int>(space)]) visit(k, v);
}

boost::asio::awaitable<void> MemoryStore::commit(Batch batch, Durability) {
  for (auto& m : batch) {
    auto& space = spaces_[static_cast<int>(m.space)];
    if (m.value) {
      space[m.key] = std::move(*m.value);
    } else if (!m.range_end.empty()) {
      if (m.key < m.range_end) space.erase(space.lower_bound(m.key), space.lower_bound(m.range_end));
    } else if (auto it = space.find(m.key); it != space.end()) {
      space.erase(it);
    }
  }
  co_return;
}

}  // namespace sysdist
