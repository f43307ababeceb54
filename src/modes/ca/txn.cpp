#include "modes/ca/txn.hpp"

#include <boost/json.hpp>

namespace sysdist::ca {

const char* state_name(TxnState state) {
  switch (state) {
    case TxnState::prepared:
      return "prepared";
    case TxnState::committed:
      return "committed";
    case TxnState::aborted:
      return "aborted";
  }
  return "?";
}

std::optional<TxnState> parse_state(std::string_view name) {
  for (auto s : {TxnState::prepared, TxnState::committed, TxnState::aborted})
    if (name == state_name(s)) return s;
  return std::nullopt;
}

std::string encode(const Txn& txn) {
  boost::json::object record;
  record["id"] = txn.id;
  record["key"] = txn.key;
  if (txn.value)
    record["val"] = *txn.value;
  else
    record["val"] = nullptr;
  record["coordinator"] = txn.coordinator;
  record["state"] = state_name(txn.state);
  return boost::json::serialize(record);
}

std::optional<Txn> decode(std::string_view text) {
  boost::system::error_code ec;
  auto json = boost::json::parse(text, ec);
  if (ec || !json.is_object()) return std::nullopt;
  const auto& o = json.as_object();
  auto string_at = [&](const char* name) -> const boost::json::string* {
    auto* v = o.if_contains(name);
    return v ? v->if_string() : nullptr;
  };
  auto *id = string_at("id"), *key = string_at("key"), *coordinator = string_at("coordinator"),
       *state = string_at("state");
  if (!id || !key || !coordinator || !state || !parse_state(*state)) return std::nullopt;
  Txn txn{std::string(*id), std::string(*key), std::nullopt, std::string(*coordinator), *parse_state(*state)};
  if (auto* val = string_at("val")) txn.value = std::string(*val);
  return txn;
}

std::string make_txn_id(std::size_t node, std::uint64_t incarnation, std::uint64_t sequence) {
  return "n" + std::to_string(node) + "-" + std::to_string(incarnation) + "-" + std::to_string(sequence);
}

}  // namespace sysdist::ca
