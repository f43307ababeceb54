#include "modes/ap/ring.hpp"

#include <algorithm>
#include <string>

namespace sysdist::ap {

std::uint64_t stable_hash(std::string_view text) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ull;
  // FNV alone mixes short, similar strings poorly on the ring: finish with a 64-bit mixer.
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return h;
}

Ring::Ring(const Membership& membership, std::size_t vnodes_per_member) : members_(membership.size()) {
  for (std::size_t m = 0; m < membership.size(); ++m)
    for (std::size_t v = 0; v < vnodes_per_member; ++v)
      points_.emplace_back(stable_hash(membership.members[m].address() + "#" + std::to_string(v)), m);
  std::sort(points_.begin(), points_.end());
}

std::vector<std::size_t> Ring::walk(std::string_view key) const {
  std::vector<std::size_t> order;
  const auto h = stable_hash(key);
  auto it = std::lower_bound(points_.begin(), points_.end(), std::make_pair(h, std::size_t{0}));
  for (std::size_t step = 0; step < points_.size() && order.size() < members_; ++step, ++it) {
    if (it == points_.end()) it = points_.begin();
    if (std::find(order.begin(), order.end(), it->second) == order.end()) order.push_back(it->second);
  }
  return order;
}

std::vector<std::size_t> Ring::preference_list(std::string_view key, std::size_t n) const {
  auto order = walk(key);
  order.resize(std::min(n, order.size()));
  return order;
}

std::vector<double> Ring::ownership() const {
  std::vector<double> share(members_, 0.0);
  for (std::size_t i = 0; i < points_.size(); ++i) {
    const auto from = i == 0 ? points_.back().first : points_[i - 1].first;
    const auto arc = points_[i].first - from;  // wraps around correctly in unsigned arithmetic
    share[points_[i].second] += static_cast<double>(arc) / 18446744073709551616.0;
  }
  return share;
}

}  // namespace sysdist::ap
