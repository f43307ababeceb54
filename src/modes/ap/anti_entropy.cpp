#include "modes/ap/anti_entropy.hpp"

#include <algorithm>
#include <map>

#include "common/net.hpp"
#include "modes/ap/messages.hpp"
#include "node/logging.hpp"

namespace sysdist::ap {

std::uint64_t wall_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

AntiEntropy::AntiEntropy(const ModeContext& context, Replica& replica, std::shared_ptr<spdlog::logger> log)
    : context_(context),
      replica_(replica),
      log_(std::move(log)),
      in_sync_since_ms_(context.config.membership.size(), 0) {}

asio::awaitable<void> AntiEntropy::run() {
  asio::steady_timer tick(co_await asio::this_coro::executor);
  const auto peers = context_.config.membership.others();
  // Hints go home four times per interval: a healed replica gets its writes back quickly.
  constexpr int handoffs_per_sync = 4;
  for (int round = 1;; ++round) {
    tick.expires_after(context_.config.anti_entropy_interval / handoffs_per_sync);
    co_await tick.async_wait(asio::use_awaitable);
    co_await hand_off_hints();
    if (peers.empty() || round % handoffs_per_sync != 0) continue;
    co_await sync_with(peers[next_peer_++ % peers.size()]);
    if (next_peer_ % peers.size() == 0) co_await collect_garbage();
  }
}

asio::awaitable<std::optional<boost::json::value>> AntiEntropy::exchange(std::size_t peer, std::string path,
                                                                         const boost::json::object& body) {
  PeerRequest request{"POST", std::move(path), boost::json::serialize(body)};
  bytes_ += request.body.size();
  auto result = co_await context_.transport.call(peer, std::move(request), context_.config.rpc_timeout);
  if (!result.answered_ok()) co_return std::nullopt;
  bytes_ += result.reply.body.size();
  context_.metrics.count("sysdist_ap_anti_entropy_bytes_total", "", static_cast<double>(result.reply.body.size()));
  boost::system::error_code ec;
  auto json = boost::json::parse(result.reply.body, ec);
  if (ec || !json.is_object()) co_return std::nullopt;
  co_return json;
}

asio::awaitable<void> AntiEntropy::sync_with(std::size_t peer) {
  const auto self = context_.config.membership.self;
  const auto started_ms = wall_ms_now();
  ++rounds_;
  boost::json::object hello{{"from", self}, {"root", replica_.summary_for(peer).root()}};
  auto reply = co_await exchange(peer, "/ap/merkle", hello);
  if (!reply) co_return;
  const auto& leaves_json = reply->as_object()["leaves"];
  if (!leaves_json.is_array() || leaves_json.as_array().empty()) {
    in_sync_since_ms_[peer] = started_ms;  // equal roots
    co_return;
  }
  std::array<std::uint64_t, MerkleLeaves::leaf_count> theirs{};
  const auto& array = leaves_json.as_array();
  for (std::size_t i = 0; i < theirs.size() && i < array.size(); ++i) {
    boost::system::error_code ec;  // JSON numbers parse as int64 or uint64 depending on size
    theirs[i] = array[i].is_number() ? array[i].to_number<std::uint64_t>(ec) : 0;
  }
  auto differing = MerkleLeaves::diff(replica_.summary_for(peer).leaves(), theirs);
  if (differing.empty()) {
    in_sync_since_ms_[peer] = started_ms;
    co_return;
  }

  boost::json::array leaf_list(differing.begin(), differing.end());
  boost::json::object ask{{"from", self}, {"leaves", leaf_list}};
  auto entries = co_await exchange(peer, "/ap/entries", ask);
  if (!entries) co_return;
  auto records = records_from(entries->as_object().if_contains("records"));
  if (!records) co_return;
  std::map<std::string, Version> their_versions;
  std::size_t pulled = 0;
  for (auto& r : *records) {
    their_versions[r.key] = r.record.version;
    if (co_await replica_.merge(r.key, r.record)) ++pulled;
  }
  std::vector<KeyedRecord> newer_here;
  for (auto& [key, record] : replica_.entries(peer, differing)) {
    auto theirs_it = their_versions.find(key);
    if (theirs_it == their_versions.end() || theirs_it->second < record.version) newer_here.push_back({key, record});
  }
  if (!newer_here.empty()) {
    boost::json::object push{{"records", to_json(newer_here)}, {"hint_for", nullptr}};
    co_await exchange(peer, "/ap/put", push);
  }
  keys_pulled_ += pulled;
  keys_pushed_ += newer_here.size();
  context_.metrics.count("sysdist_ap_anti_entropy_keys_total", "direction=\"pulled\"", static_cast<double>(pulled));
  context_.metrics.count("sysdist_ap_anti_entropy_keys_total", "direction=\"pushed\"",
                         static_cast<double>(newer_here.size()));
  log_->info("anti-entropy with node {}: {} of {} leaves differed, pulled {} newer, pushed {}", peer + 1,
             differing.size(), MerkleLeaves::leaf_count, pulled, newer_here.size());
}

boost::json::object AntiEntropy::merkle_reply(std::size_t from, std::uint64_t their_root) const {
  const auto& mine = replica_.summary_for(from);
  boost::json::object reply{{"root", mine.root()}};
  boost::json::array leaves;
  if (mine.root() != their_root) leaves = boost::json::array(mine.leaves().begin(), mine.leaves().end());
  reply["leaves"] = std::move(leaves);
  return reply;
}

boost::json::object AntiEntropy::entries_reply(std::size_t from, std::vector<std::size_t> leaves) const {
  std::sort(leaves.begin(), leaves.end());
  std::vector<KeyedRecord> records;
  for (auto& [key, record] : replica_.entries(from, leaves)) records.push_back({key, record});
  return boost::json::object{{"records", to_json(records)}};
}

asio::awaitable<void> AntiEntropy::hand_off_hints() {
  std::map<std::size_t, std::vector<Hint>> by_target;
  for (auto& hint : replica_.hints()) by_target[hint.target].push_back(std::move(hint));
  for (auto& [target, hints] : by_target) {
    constexpr std::size_t max_per_call = 100;
    if (hints.size() > max_per_call) hints.resize(max_per_call);
    std::vector<KeyedRecord> records;
    for (auto& h : hints) records.push_back({h.key, h.record});
    boost::json::object body{{"records", to_json(records)}, {"hint_for", nullptr}};
    if (!co_await exchange(target, "/ap/put", body)) continue;  // still unreachable: keep the hints
    co_await replica_.drop_hints(hints);
    hints_handed_off_ += hints.size();
    log_->info("hinted handoff: node {} is back, gave it {} write(s) held for it", target + 1, hints.size());
  }
}

asio::awaitable<void> AntiEntropy::collect_garbage() {
  const auto now = wall_ms_now();
  const auto grace = static_cast<std::uint64_t>(context_.config.tombstone_grace.count());
  std::vector<std::string> expired;
  replica_.for_each([&](const std::string& key, const Record& record) {
    if (!record.deleted() || now < record.version.wall_ms + grace) return;
    for (auto peer : context_.config.membership.others())
      if (replica_.shares(key, peer) && in_sync_since_ms_[peer] <= record.version.wall_ms) return;
    expired.push_back(key);
  });
  if (expired.empty()) co_return;
  tombstones_collected_ += expired.size();
  log_->info("tombstone GC: dropped {} tombstone(s) every replica has had for the grace period", expired.size());
  co_await replica_.drop(std::move(expired));
}

boost::json::object AntiEntropy::status() const {
  return {{"rounds", rounds_},
          {"bytes_exchanged", bytes_},
          {"keys_pulled", keys_pulled_},
          {"keys_pushed", keys_pushed_},
          {"hints_handed_off", hints_handed_off_},
          {"tombstones_collected", tombstones_collected_}};
}

}  // namespace sysdist::ap
