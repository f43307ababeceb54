#include "modes/ca/messages.hpp"

#include "common/checks.hpp"
#include "common/limits.hpp"

namespace sysdist::ca {

bool is_valid_txn_id(std::string_view id) {
  if (id.empty() || id.size() > limits::max_txn_id_bytes) return false;
  for (char c : id)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == ':' || c == '-')) return false;
  return true;
}

Checked<Txn> parse_proposal(std::string_view body, const Membership& membership) {
  auto message = parse_message<ProposeMessage>(body, {"coordinator"});
  if (!message)
    return Checked<Txn>::refuse(R"(Expected {"id": string, "key": string, "val": string or null})");
  if (!is_valid_txn_id(message->id))
    return Checked<Txn>::refuse("Transaction id must be 1 to 64 characters of A-Z a-z 0-9 . _ : -");
  if (auto bad = check_key(message->key)) return Checked<Txn>::refuse(bad->message);
  if (message->val)
    if (auto bad = check_value(*message->val)) return Checked<Txn>::refuse(bad->message);
  const auto coordinator = message->coordinator.value_or("");
  if (!coordinator.empty()) {
    const auto index = membership.find(coordinator);
    if (index >= membership.size()) return Checked<Txn>::refuse("The coordinator " + coordinator + " is no member");
    if (index == membership.self) return Checked<Txn>::refuse("A proposal cannot name its receiver as coordinator");
  }
  return Txn{message->id, message->key, message->val, coordinator};
}

std::string forget_body(const std::vector<std::string>& ids) {
  return boost::json::serialize(boost::json::object{{"ids", boost::json::array(ids.begin(), ids.end())}});
}

Checked<std::vector<std::string>> parse_forget(std::string_view body) {
  using Refuse = Checked<std::vector<std::string>>;
  auto json = parse_json_object(body, {});
  auto* ids = json ? json->as_object().if_contains("ids") : nullptr;
  if (!ids || !ids->is_array() || ids->as_array().size() > limits::max_forget_ids)
    return Refuse::refuse("Expected {\"ids\": [at most 1000 transaction ids]}");
  std::vector<std::string> out;
  for (const auto& id : ids->as_array()) {
    if (!id.is_string() || !is_valid_txn_id(id.as_string())) return Refuse::refuse("A transaction id is malformed");
    out.emplace_back(id.as_string());
  }
  return out;
}

}  // namespace sysdist::ca
