// Merkle summary of the keys two replicas share (pure): keys fall into `leaf_count`
// leaves by hash; a leaf's hash is the XOR of its items' hashes (order-free, so it can be
// updated in place as records change); the root hashes the leaves. Equal roots mean equal
// data (with overwhelming probability); otherwise only the differing leaves are exchanged.
#pragma once
#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "modes/ap/version.hpp"

namespace sysdist::ap {

class MerkleLeaves {
 public:
  static constexpr std::size_t leaf_count = 256;

  static std::size_t leaf_of(std::string_view key);
  static std::uint64_t item_hash(std::string_view key, const Record& record);

  // Adds or removes one item (XOR is its own inverse).
  void toggle(std::string_view key, const Record& record) { leaves_[leaf_of(key)] ^= item_hash(key, record); }
  std::uint64_t root() const;
  const std::array<std::uint64_t, leaf_count>& leaves() const { return leaves_; }
  void set(const std::array<std::uint64_t, leaf_count>& leaves) { leaves_ = leaves; }

  // Leaves whose hashes differ between the two summaries.
  static std::vector<std::size_t> diff(const std::array<std::uint64_t, leaf_count>& a,
                                       const std::array<std::uint64_t, leaf_count>& b);

 private:
  std::array<std::uint64_t, leaf_count> leaves_{};
};

}  // namespace sysdist::ap
