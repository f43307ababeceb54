// What every peer-route fuzz target checks: the handler answers with a status, a refusal
// (4xx) changes nothing stored, and every error has the JSON error shape.
#pragma once
#include <boost/json.hpp>

#include "fuzz_node.hpp"

namespace sysdist::fuzz {

inline std::string stored_state(const MemoryStore& store) {
  std::string all;
  for (auto space : all_keyspaces)
    store.for_each(space, [&](std::string_view k, std::string_view v) {
      all.append(k).push_back('=');
      all.append(v).push_back('\n');
    });
  return all;
}

inline void check_peer_call(FuzzNode& node, std::string_view input) {
  auto request = peer_request_from(input);
  const auto before = stored_state(node.store);
  auto reply = node.run(node.mode->handle_peer(std::move(request)));
  if (reply.status < 200 || reply.status > 599) __builtin_trap();
  if (reply.status >= 400 && reply.status < 500 && stored_state(node.store) != before) __builtin_trap();
  if (reply.status >= 400) {
    boost::system::error_code ec;
    auto body = boost::json::parse(reply.body, ec);
    if (ec || !body.is_object() || !body.as_object().contains("code")) __builtin_trap();
  }
}

}  // namespace sysdist::fuzz
