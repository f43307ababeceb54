#include "modes/ap/messages.hpp"

#include <algorithm>

#include "common/checks.hpp"
#include "modes/ap/merkle.hpp"

namespace sysdist::ap {

namespace json = boost::json;

namespace {
std::optional<json::object> object_of(std::string_view body) {
  boost::system::error_code ec;
  auto value = json::parse(body, ec);
  if (ec || !value.is_object()) return std::nullopt;
  return std::move(value.as_object());
}

std::optional<std::size_t> node_index(const json::object& body, const char* field, const Membership& membership) {
  auto* v = body.if_contains(field);
  if (!v) return std::nullopt;
  std::int64_t n = -1;
  if (auto* u = v->if_uint64()) n = *u > membership.size() ? -1 : static_cast<std::int64_t>(*u);
  if (auto* i = v->if_int64()) n = *i;
  if (n < 0 || static_cast<std::size_t>(n) >= membership.size() || static_cast<std::size_t>(n) == membership.self)
    return std::nullopt;
  return static_cast<std::size_t>(n);
}

std::optional<std::vector<KeyedRecord>> records_of(const json::value* list, const RecordRules& rules) {
  if (!list || !list->is_array()) return std::nullopt;
  std::vector<KeyedRecord> out;
  for (const auto& item : list->as_array()) {
    auto record = keyed_record_from(item);
    if (!record || refusal_of(*record, rules)) return std::nullopt;
    out.push_back(std::move(*record));
  }
  return out;
}
}  // namespace

json::object to_json(const std::string& key, const Record& record) {
  auto o = to_object(record);
  o["key"] = key;
  return o;
}

json::array to_json(const std::vector<KeyedRecord>& records) {
  json::array out;
  for (const auto& r : records) out.push_back(to_json(r.key, r.record));
  return out;
}

std::optional<KeyedRecord> keyed_record_from(const json::value& value) {
  if (!value.is_object()) return std::nullopt;
  auto* key = value.as_object().if_contains("key");
  if (!key || !key->is_string()) return std::nullopt;
  auto record = record_from(value.as_object());
  if (!record) return std::nullopt;
  return KeyedRecord{std::string(key->as_string()), *record};
}

RecordRules record_rules(const ModeContext& context) {
  const auto& config = context.config;
  return RecordRules{config.membership, context.wall_ms(), static_cast<std::uint64_t>(config.max_clock_drift.count())};
}

std::optional<std::string> refusal_of(const KeyedRecord& r, const RecordRules& rules) {
  if (auto bad = check_key(r.key)) return bad->message;
  if (r.record.value)
    if (auto bad = check_value(*r.record.value)) return bad->message;
  if (r.record.version.node > rules.membership.size()) return "Version names no member";
  if (r.record.version.wall_ms > rules.now_ms + rules.max_drift_ms)
    return "Version is " + std::to_string(r.record.version.wall_ms - rules.now_ms) +
           " ms ahead of this node's clock (at most " + std::to_string(rules.max_drift_ms) + " allowed)";
  return std::nullopt;
}

Checked<PutMessage> parse_put(std::string_view body, const RecordRules& rules) {
  auto o = object_of(body);
  if (!o) return Checked<PutMessage>::refuse("Expected {\"records\": [...], \"hint_for\": host:port or null}");
  PutMessage message;
  if (auto* target = o->if_contains("hint_for"); target && !target->is_null()) {
    const auto index = target->is_string() ? rules.membership.find(std::string(target->as_string())) : SIZE_MAX;
    if (index >= rules.membership.size()) return Checked<PutMessage>::refuse("Unknown hint target");
    message.hint_for = index;
  }
  auto* records = o->if_contains("records");
  if (!records || !records->is_array()) return Checked<PutMessage>::refuse("Expected {\"records\": [...]}");
  for (const auto& item : records->as_array()) {
    auto record = keyed_record_from(item);
    if (!record) return Checked<PutMessage>::refuse("Malformed record: expected {key, val, ts, logical, node}");
    if (auto why = refusal_of(*record, rules)) return Checked<PutMessage>::refuse(*why);
    message.records.push_back(std::move(*record));
  }
  return message;
}

Checked<KeyedRecord> parse_repair(std::string_view body, const RecordRules& rules) {
  auto o = object_of(body);
  auto record = o ? keyed_record_from(*o) : std::nullopt;
  if (!record || !record->record.value)
    return Checked<KeyedRecord>::refuse("Expected {\"key\": string, \"val\": string, \"ts\": number}");
  if (auto why = refusal_of(*record, rules)) return Checked<KeyedRecord>::refuse(*why);
  return *record;
}

Checked<MerkleRequest> parse_merkle_request(std::string_view body, const Membership& membership) {
  auto o = object_of(body);
  auto from = o ? node_index(*o, "from", membership) : std::nullopt;
  auto* root = o ? o->if_contains("root") : nullptr;
  if (!from || !root || !(root->is_uint64() || root->is_int64()))
    return Checked<MerkleRequest>::refuse("Expected {\"from\": another node's index, \"root\": number}");
  // A root is 64 bits; JSON parses it as int64 or uint64 depending on its size.
  return MerkleRequest{*from, root->is_uint64() ? root->as_uint64() : static_cast<std::uint64_t>(root->as_int64())};
}

Checked<EntriesRequest> parse_entries_request(std::string_view body, const Membership& membership) {
  using Refuse = Checked<EntriesRequest>;
  auto o = object_of(body);
  auto from = o ? node_index(*o, "from", membership) : std::nullopt;
  auto* leaves = o ? o->if_contains("leaves") : nullptr;
  if (!from || !leaves || !leaves->is_array() || leaves->as_array().size() > MerkleLeaves::leaf_count)
    return Refuse::refuse("Expected {\"from\": another node's index, \"leaves\": [leaf...]}");
  EntriesRequest request{*from, {}, std::nullopt};
  for (const auto& leaf : leaves->as_array()) {
    if (!leaf.is_int64() || leaf.as_int64() < 0 || leaf.as_int64() >= static_cast<std::int64_t>(MerkleLeaves::leaf_count))
      return Refuse::refuse("A leaf is out of range");
    request.leaves.push_back(static_cast<std::size_t>(leaf.as_int64()));
  }
  std::sort(request.leaves.begin(), request.leaves.end());
  request.leaves.erase(std::unique(request.leaves.begin(), request.leaves.end()), request.leaves.end());
  if (auto* after = o->if_contains("after"); after && !after->is_null()) {
    if (!after->is_string() || check_key(after->as_string())) return Refuse::refuse("\"after\" must be a key");
    request.after = std::string(after->as_string());
  }
  return request;
}

std::optional<KeyedRecord> parse_read_reply(std::string_view body, const RecordRules& rules) {
  auto o = object_of(body);
  auto record = o ? keyed_record_from(*o) : std::nullopt;
  if (!record || refusal_of(*record, rules)) return std::nullopt;
  return record;
}

std::optional<EntriesReply> parse_entries_reply(std::string_view body, const RecordRules& rules) {
  auto o = object_of(body);
  if (!o) return std::nullopt;
  auto records = records_of(o->if_contains("records"), rules);
  auto* more = o->if_contains("more");
  if (!records || (more && !more->is_bool())) return std::nullopt;
  return EntriesReply{std::move(*records), more && more->as_bool()};
}

std::string put_body(const std::vector<KeyedRecord>& records, const std::optional<std::string>& hint_for) {
  json::object body{{"records", to_json(records)}};
  if (hint_for)
    body["hint_for"] = *hint_for;
  else
    body["hint_for"] = nullptr;
  return json::serialize(body);
}

std::size_t encoded_size(const KeyedRecord& record) {
  return json::serialize(to_json(record.key, record.record)).size() + 1;  // and a comma
}

std::vector<std::vector<KeyedRecord>> in_messages_of(std::vector<KeyedRecord> records, std::size_t budget) {
  std::vector<std::vector<KeyedRecord>> groups;
  std::size_t bytes = 0;
  for (auto& record : records) {
    const auto size = encoded_size(record);
    if (groups.empty() || (!groups.back().empty() && bytes + size > budget)) groups.emplace_back(), bytes = 0;
    bytes += size;
    groups.back().push_back(std::move(record));
  }
  return groups;
}

}  // namespace sysdist::ap
