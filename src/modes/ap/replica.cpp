#include "modes/ap/replica.hpp"

#include <boost/json.hpp>

#include <algorithm>

#include "common/net.hpp"
#include "common/logging.hpp"

namespace sysdist::ap {

std::string hint_key(const Membership& membership, std::size_t target, const std::string& key) {
  return membership.members[target].address() + '\x1f' + key;
}

Replica::Replica(const ModeContext& context, const Ring& ring, std::shared_ptr<spdlog::logger> log)
    : context_(context),
      ring_(ring),
      log_(std::move(log)),
      clock_(static_cast<std::uint32_t>(context.config.membership.self + 1)),
      summaries_(context.config.membership.size()) {}

void Replica::load() {
  summaries_.assign(summaries_.size(), MerkleLeaves{});
  context_.store.for_each(Keyspace::data, [&](std::string_view key, std::string_view text) {
    if (auto record = decode(text)) {
      track(std::string(key), std::nullopt, *record);
      clock_.observe(record->version);
    }
  });
}

std::optional<Record> Replica::get(const std::string& key) const {
  auto text = context_.store.get(Keyspace::data, key);
  if (!text) return std::nullopt;
  return decode(*text);
}

bool Replica::shares(const std::string& key, std::size_t peer) const {
  auto replicas = ring_.preference_list(key, static_cast<std::size_t>(context_.config.replicas));
  auto has = [&](std::size_t n) { return std::find(replicas.begin(), replicas.end(), n) != replicas.end(); };
  return peer != context_.config.membership.self && has(peer) && has(context_.config.membership.self);
}

void Replica::track(const std::string& key, const std::optional<Record>& before, const Record& after) {
  for (std::size_t peer = 0; peer < summaries_.size(); ++peer) {
    if (!shares(key, peer)) continue;
    if (before) summaries_[peer].toggle(key, *before);
    summaries_[peer].toggle(key, after);
  }
}

asio::awaitable<bool> Replica::merge(std::string key, Record record, std::optional<std::size_t> hint_for) {
  clock_.observe(record.version);
  auto current = get(key);
  // A tombstone past its grace period for a key this node does not hold is already
  // collected elsewhere: storing it would resurrect it here.
  const auto grace = static_cast<std::uint64_t>(context_.config.tombstone_grace.count());
  if (record.deleted() && !current && record.version.wall_ms + grace < context_.wall_ms()) co_return false;
  if (auto queued = being_written_.find(key); queued != being_written_.end()) {
    if (!(queued->second < record.version)) co_return false;
  } else if (current && !(current->version < record.version)) {
    co_return false;
  }
  being_written_[key] = record.version;
  track(key, current, record);
  Batch batch{{Keyspace::data, key, encode(record)}};
  if (hint_for) {
    batch.push_back({Keyspace::hints, hint_key(context_.config.membership, *hint_for, key), encode(record)});
    hint_steps_.step([&] {
      return fmt::format("stand-in for {}: keeping a hint for '{}'",
                         context_.config.membership.members[*hint_for].address(), preview(key));
    });
    context_.emit("hint", [&] { return boost::json::object{{"for", *hint_for + 1}, {"key", preview(key)}}; });
  }
  co_await context_.store.commit(std::move(batch));
  if (auto queued = being_written_.find(key); queued != being_written_.end() && queued->second == record.version)
    being_written_.erase(queued);
  stored_steps_.step([&] {
    const auto& v = record.version;
    return "stored '" + preview(key) + "'='" + preview(record.value.value_or("<tombstone>")) + "' v" +
           std::to_string(v.wall_ms) + "." + std::to_string(v.logical) + "." + std::to_string(v.node) +
           (current ? " over v" + std::to_string(current->version.wall_ms) + "." +
                          std::to_string(current->version.logical) + "." + std::to_string(current->version.node)
                    : std::string(" (new here)"));
  });
  co_return true;
}

asio::awaitable<void> Replica::overwrite(std::string key, Record record) {
  auto current = get(key);
  if (current) track(key, std::nullopt, *current);  // remove the old item...
  track(key, std::nullopt, record);                 // ...and add the new one
  Batch batch{{Keyspace::data, key, encode(record)}};
  co_await context_.store.commit(std::move(batch));
}

asio::awaitable<void> Replica::drop(std::vector<std::string> keys) {
  Batch batch;
  for (auto& key : keys) {
    if (auto current = get(key)) {
      for (std::size_t peer = 0; peer < summaries_.size(); ++peer)
        if (shares(key, peer)) summaries_[peer].toggle(key, *current);
    }
    batch.push_back({Keyspace::data, std::move(key), std::nullopt});
  }
  co_await context_.store.commit(std::move(batch));
}

std::vector<std::pair<std::string, Record>> Replica::entries(std::size_t peer,
                                                             const std::vector<std::size_t>& leaves) const {
  std::vector<std::pair<std::string, Record>> out;
  context_.store.for_each(Keyspace::data, [&](std::string_view key, std::string_view text) {
    if (!std::binary_search(leaves.begin(), leaves.end(), MerkleLeaves::leaf_of(key))) return;
    std::string k(key);
    if (!shares(k, peer)) return;
    if (auto record = decode(text)) out.emplace_back(std::move(k), *record);
  });
  return out;
}

void Replica::for_each(const std::function<void(const std::string&, const Record&)>& visit) const {
  context_.store.for_each(Keyspace::data, [&](std::string_view key, std::string_view text) {
    if (auto record = decode(text)) visit(std::string(key), *record);
  });
}

std::vector<Hint> Replica::hints() const {
  std::vector<Hint> out;
  const auto& membership = context_.config.membership;
  context_.store.for_each(Keyspace::hints, [&](std::string_view stored_key, std::string_view text) {
    const auto cut = stored_key.find('\x1f');
    auto record = decode(text);
    if (cut == std::string_view::npos || !record) return;
    const auto target = membership.find(std::string(stored_key.substr(0, cut)));
    if (target < membership.size()) out.push_back({target, std::string(stored_key.substr(cut + 1)), *record});
  });
  return out;
}

asio::awaitable<void> Replica::keep_hint(std::size_t target, std::string key, Record record) {
  hint_steps_.step([&] {
    return fmt::format("no stand-in left: keeping a hint for {} for '{}' here",
                       context_.config.membership.members[target].address(), preview(key));
  });
  Batch batch{{Keyspace::hints, hint_key(context_.config.membership, target, key), encode(record)}};
  co_await context_.store.commit(std::move(batch));
}

asio::awaitable<void> Replica::drop_hints(const std::vector<Hint>& handed_off) {
  Batch batch;
  for (const auto& hint : handed_off) {
    auto stored_key = hint_key(context_.config.membership, hint.target, hint.key);
    auto stored = context_.store.get(Keyspace::hints, stored_key);
    auto record = stored ? decode(*stored) : std::nullopt;
    if (record && record->version == hint.record.version) batch.push_back({Keyspace::hints, stored_key, std::nullopt});
    // The stand-in's own copy goes too, unless this node is a replica of the key or holds a newer write.
    auto replicas = ring_.preference_list(hint.key, static_cast<std::size_t>(context_.config.replicas));
    auto copy = get(hint.key);
    const bool replica = std::find(replicas.begin(), replicas.end(), context_.config.membership.self) != replicas.end();
    if (!replica && copy && copy->version == hint.record.version && !being_written_.contains(hint.key))
      batch.push_back({Keyspace::data, hint.key, std::nullopt});
  }
  if (!batch.empty()) co_await context_.store.commit(std::move(batch));
}

}  // namespace sysdist::ap
