// AP peer messages (JSON). A record on the wire is {"key","val","ts","logical","node"}:
// the original's /quorum routes used "key", "val" and "ts" (milliseconds), which is why
// the version travels as ts + logical + node rather than one opaque stamp.
//   POST /ap/put      {"records": [record...], "hint_for": "host:port" | null}  -> {"stored": n}
//   POST /ap/merkle   {"from": node, "root": n}          -> {"root": n, "leaves": [n...] (empty when roots match)}
//   POST /ap/entries  {"from": node, "leaves": [i...]}   -> {"records": [record...]}
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "modes/ap/version.hpp"

namespace sysdist::ap {

struct KeyedRecord {
  std::string key;
  Record record;
};

boost::json::object to_json(const std::string& key, const Record& record);
std::optional<KeyedRecord> keyed_record_from(const boost::json::value& json);
boost::json::array to_json(const std::vector<KeyedRecord>& records);
std::optional<std::vector<KeyedRecord>> records_from(const boost::json::value* json);

}  // namespace sysdist::ap
