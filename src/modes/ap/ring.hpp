// Ring: consistent hashing with virtual nodes (pure). Each member owns `vnodes_per_member`
// points on a 64-bit ring; a key's walk is every member in the order met going clockwise
// from the key's hash, each once. Its first N members are the key's preference list.
#pragma once
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "common/membership.hpp"

namespace sysdist::ap {

std::uint64_t stable_hash(std::string_view text);  // FNV-1a 64: the same on every node and build

class Ring {
 public:
  Ring(const Membership& membership, std::size_t vnodes_per_member = 64);
  // Every member, in ring order from the key's position.
  std::vector<std::size_t> walk(std::string_view key) const;
  std::vector<std::size_t> preference_list(std::string_view key, std::size_t n) const;
  // Share of the ring (0..1) where each member is first: ownership, for /admin/status.
  std::vector<double> ownership() const;

 private:
  std::vector<std::pair<std::uint64_t, std::size_t>> points_;  // sorted by hash
  std::size_t members_;
};

}  // namespace sysdist::ap
