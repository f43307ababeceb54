#include "modes/cp/kv_state_machine.hpp"

#include <map>

#include "modes/cp/command.hpp"

namespace sysdist::cp {

ApplyBatch apply_entries(const RaftLog& log, std::uint64_t from, std::uint64_t to, const Store& store) {
  ApplyBatch out;
  std::map<std::string, std::optional<std::string>> written;  // by earlier entries of this batch
  auto current = [&](const std::string& key) {
    auto it = written.find(key);
    return it != written.end() ? it->second : store.get(Keyspace::data, key);
  };
  for (auto index = from; index <= to; ++index) {
    out.entries.push_back({index, log.at(index).term, false});
    auto command = decode_command(log.at(index).command);  // checked on arrival
    if (!command || command->op == Command::Op::noop) continue;
    const auto& key = command->key;
    std::optional<std::string> value;
    if (command->op != Command::Op::del) value = std::move(command->value);
    if (command->op == Command::Op::cas && current(key) != command->expected) {
      out.entries.back().condition_failed = true;
      continue;
    }
    written[key] = value;
    out.writes.push_back({Keyspace::data, key, std::move(value)});
  }
  out.writes.push_back({Keyspace::meta, "raft/applied", std::to_string(to)});
  return out;
}

Pairs snapshot_pairs(const Store& store) {
  Pairs pairs;
  store.for_each(Keyspace::data, [&](std::string_view k, std::string_view v) { pairs.emplace_back(k, v); });
  return pairs;
}

Batch install_batch(const Store& store, const Pairs& pairs, std::uint64_t index, std::uint64_t term) {
  Batch batch;
  store.for_each(Keyspace::data, [&](std::string_view k, std::string_view) {
    batch.push_back({Keyspace::data, std::string(k), std::nullopt});
  });
  store.for_each(Keyspace::raft_log, [&](std::string_view k, std::string_view) {
    batch.push_back({Keyspace::raft_log, std::string(k), std::nullopt});
  });
  for (auto& [k, v] : pairs) batch.push_back({Keyspace::data, k, v});
  batch.push_back({Keyspace::meta, "raft/applied", std::to_string(index)});
  batch.push_back({Keyspace::meta, "raft/snapshot_index", std::to_string(index)});
  batch.push_back({Keyspace::meta, "raft/snapshot_term", std::to_string(term)});
  return batch;
}

}  // namespace sysdist::cp
