// AP peer messages (JSON), built and checked here, in one place. A record on the wire is
// {"key","val","ts","logical","node"}: the original's /quorum routes used "key", "val" and
// "ts" (milliseconds), which is why the version travels as ts + logical + node.
//   POST /ap/put        {"records": [record...], "hint_for": "host:port" | null}  -> {"stored": n}
//   POST /quorum/repair record                                     -> the record as stored
//   POST /ap/merkle     {"from": node, "root": n}          -> {"root": n, "leaves": [n...] (empty when roots match)}
//   POST /ap/entries    {"from": node, "leaves": [i...], "after": key | null}
//                       -> {"records": [record...], "more": bool} (sorted by key, one page)
// Checks before anything changes: keys and values follow SPEC 2; a version's node is a
// member (or 0, as the original's repair sends none) and its wall time is at most
// --max-clock-drift-ms ahead of this node's clock (a version from the far future would pin
// a key forever: later writes would lose to it); node indexes and leaves are in range.
// Messages carrying many records are cut by bytes (in_messages_of) so each fits what the
// receiver accepts, whatever the values inside.
#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "common/membership.hpp"
#include "node/mode.hpp"
#include "modes/ap/version.hpp"
#include "peer/messages.hpp"

namespace sysdist::ap {

struct KeyedRecord {
  std::string key;
  Record record;
};

boost::json::object to_json(const std::string& key, const Record& record);
boost::json::array to_json(const std::vector<KeyedRecord>& records);
std::optional<KeyedRecord> keyed_record_from(const boost::json::value& json);

// What a record from a peer is checked against.
struct RecordRules {
  const Membership& membership;
  std::uint64_t now_ms;        // this node's wall clock
  std::uint64_t max_drift_ms;  // --max-clock-drift-ms
};
std::optional<std::string> refusal_of(const KeyedRecord& record, const RecordRules& rules);  // nullopt: fine
RecordRules record_rules(const ModeContext& context);  // this node's, now

struct PutMessage {
  std::vector<KeyedRecord> records;
  std::optional<std::size_t> hint_for;
};
struct MerkleRequest {
  std::size_t from = 0;
  std::uint64_t root = 0;
};
struct EntriesRequest {
  std::size_t from = 0;
  std::vector<std::size_t> leaves;  // sorted, distinct
  std::optional<std::string> after;
};
struct EntriesReply {
  std::vector<KeyedRecord> records;
  bool more = false;
};

Checked<PutMessage> parse_put(std::string_view body, const RecordRules& rules);
Checked<KeyedRecord> parse_repair(std::string_view body, const RecordRules& rules);
Checked<MerkleRequest> parse_merkle_request(std::string_view body, const Membership& membership);
Checked<EntriesRequest> parse_entries_request(std::string_view body, const Membership& membership);
// A reply from a peer: nullopt when malformed or any record is refused.
std::optional<KeyedRecord> parse_read_reply(std::string_view body, const RecordRules& rules);
std::optional<EntriesReply> parse_entries_reply(std::string_view body, const RecordRules& rules);

std::string put_body(const std::vector<KeyedRecord>& records, const std::optional<std::string>& hint_for);
// Bytes a record adds to a message's "records" array.
std::size_t encoded_size(const KeyedRecord& record);
// The records in groups that each encode within `budget` bytes (at least one per group).
std::vector<std::vector<KeyedRecord>> in_messages_of(std::vector<KeyedRecord> records, std::size_t budget);

}  // namespace sysdist::ap
