#include "modes/ap/messages.hpp"

namespace sysdist::ap {

boost::json::object to_json(const std::string& key, const Record& record) {
  auto json = boost::json::parse(encode(record)).as_object();
  json["key"] = key;
  return json;
}

std::optional<KeyedRecord> keyed_record_from(const boost::json::value& json) {
  if (!json.is_object()) return std::nullopt;
  auto* key = json.as_object().if_contains("key");
  if (!key || !key->is_string()) return std::nullopt;
  auto record = decode(boost::json::serialize(json));
  if (!record) return std::nullopt;
  return KeyedRecord{std::string(key->as_string()), *record};
}

boost::json::array to_json(const std::vector<KeyedRecord>& records) {
  boost::json::array out;
  for (const auto& r : records) out.push_back(to_json(r.key, r.record));
  return out;
}

std::optional<std::vector<KeyedRecord>> records_from(const boost::json::value* json) {
  if (!json || !json->is_array()) return std::nullopt;
  std::vector<KeyedRecord> out;
  for (const auto& item : json->as_array()) {
    auto record = keyed_record_from(item);
    if (!record) return std::nullopt;
    out.push_back(std::move(*record));
  }
  return out;
}

}  // namespace sysdist::ap
