#include "modes/cp/log_storage.hpp"

#include <cstdio>

#include <boost/json.hpp>

#include "peer/frames.hpp"

namespace sysdist::cp {

std::string index_key(std::uint64_t index) {
  char text[24];
  std::snprintf(text, sizeof text, "%020llu", static_cast<unsigned long long>(index));
  return text;
}

std::optional<Entry> entry_from_storage(std::string_view text) {
  if (text.starts_with('{')) {
    boost::system::error_code ec;
    auto v = boost::json::parse(text, ec);
    auto* cmd = ec || !v.is_object() ? nullptr : v.as_object().if_contains("cmd");
    auto* term = ec || !v.is_object() ? nullptr : v.as_object().if_contains("term");
    if (!cmd || !cmd->is_string() || !term || !term->is_uint64()) return std::nullopt;
    return Entry{term->as_uint64(), std::string(cmd->as_string())};
  }
  const auto newline = text.find('\n');
  std::uint64_t term = 0;
  if (newline == std::string_view::npos || !parse_number(text.substr(0, newline), term)) return std::nullopt;
  return Entry{term, std::string(text.substr(newline + 1))};
}

void add_entries(Batch& batch, const RaftLog& log, std::uint64_t from, std::uint64_t to) {
  for (auto index = from; index <= to; ++index) {
    const auto& e = log.at(index);
    batch.push_back({Keyspace::raft_log, index_key(index), std::to_string(e.term) + "\n" + e.command});
  }
}

}  // namespace sysdist::cp
