// Version: when a value was written, on a hybrid logical clock (HLC), plus who wrote it.
// Versions order writes last-writer-wins: by wall time (ms), then the logical counter,
// then the node id as the tie-breaker. Pure.
//
// HybridClock issues versions that never go backwards on one node and always exceed every
// version the node has seen (observe), even when wall clocks disagree across nodes.
#pragma once
#include <compare>
#include <cstdint>
#include <optional>
#include <string>

#include <boost/json/object.hpp>

namespace sysdist::ap {

struct Version {
  std::uint64_t wall_ms = 0;
  std::uint32_t logical = 0;
  std::uint32_t node = 0;  // 1-based node id of the writer
  auto operator<=>(const Version&) const = default;
};

class HybridClock {
 public:
  explicit HybridClock(std::uint32_t node) : node_(node) {}
  // A version for a new write at wall time `now_ms`: greater than anything issued or seen.
  Version next(std::uint64_t now_ms);
  // Takes a version seen from elsewhere into account.
  void observe(const Version& seen);

 private:
  std::uint32_t node_;
  std::uint64_t wall_ms_ = 0;
  std::uint32_t logical_ = 0;
};

// One replica's copy of a key: a value or a tombstone (deleted), with its version.
struct Record {
  std::optional<std::string> value;  // nullopt: tombstone
  Version version;
  bool deleted() const { return !value.has_value(); }
};

// JSON object {"val": string|null, "ts": wall_ms, "logical": n, "node": id}; also the
// on-disk form of the data keyspace in AP mode.
std::string encode(const Record& record);
std::optional<Record> decode(std::string_view text);
// The same as a JSON object (peer messages add "key" to it).
boost::json::object to_object(const Record& record);
std::optional<Record> record_from(const boost::json::object& object);

}  // namespace sysdist::ap
