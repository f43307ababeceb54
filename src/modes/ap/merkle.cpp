#include "modes/ap/merkle.hpp"

#include <string>

#include "modes/ap/ring.hpp"

namespace sysdist::ap {

std::size_t MerkleLeaves::leaf_of(std::string_view key) { return stable_hash(key) % leaf_count; }

std::uint64_t MerkleLeaves::item_hash(std::string_view key, const Record& record) {
  std::string item(key);
  item += '\x1f';
  item += std::to_string(record.version.wall_ms) + "." + std::to_string(record.version.logical) + "." +
          std::to_string(record.version.node);
  item += record.value ? "=" + *record.value : std::string("#deleted");
  return stable_hash(item);
}

std::uint64_t MerkleLeaves::root() const {
  std::string all;
  for (auto leaf : leaves_) all.append(reinterpret_cast<const char*>(&leaf), sizeof leaf);
  return stable_hash(all);
}

std::vector<std::size_t> MerkleLeaves::diff(const std::array<std::uint64_t, leaf_count>& a,
                                            const std::array<std::uint64_t, leaf_count>& b) {
  std::vector<std::size_t> differing;
  for (std::size_t i = 0; i < leaf_count; ++i)
    if (a[i] != b[i]) differing.push_back(i);
  return differing;
}

}  // namespace sysdist::ap
