#include "modes/ap/anti_entropy.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <map>

#include "common/clock.hpp"
#include "common/limits.hpp"
#include "common/net.hpp"
#include "modes/ap/messages.hpp"
#include "common/logging.hpp"

namespace sysdist::ap {

AntiEntropy::AntiEntropy(const ModeContext& context, Replica& replica, std::shared_ptr<spdlog::logger> log)
    : context_(context),
      replica_(replica),
      log_(std::move(log)),
      in_sync_since_ms_(context.config.membership.size(), 0) {}

asio::awaitable<void> AntiEntropy::run() {
  Timer tick(co_await asio::this_coro::executor);
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

asio::awaitable<PeerResult> AntiEntropy::exchange(std::size_t peer, std::string path, std::string body) {
  PeerRequest request{"POST", std::move(path), std::move(body)};
  bytes_ += request.body.size();
  auto result = co_await context_.transport.call(peer, std::move(request), context_.config.rpc_timeout);
  bytes_ += result.reply.body.size();
  context_.metrics.count("sysdist_ap_anti_entropy_bytes_total", "", static_cast<double>(result.reply.body.size()));
  co_return result;
}

asio::awaitable<void> AntiEntropy::sync_with(std::size_t peer) {
  const auto self = context_.config.membership.self;
  const auto started_ms = context_.wall_ms();
  ++rounds_;
  boost::json::object hello{{"from", self}, {"root", replica_.summary_for(peer).root()}};
  auto answer = co_await exchange(peer, "/ap/merkle", boost::json::serialize(hello));
  boost::system::error_code ec;
  auto reply = answer.answered_ok() ? boost::json::parse(answer.reply.body, ec) : boost::json::value();
  auto* leaves_json = !ec && reply.is_object() ? reply.as_object().if_contains("leaves") : nullptr;
  if (!leaves_json || !leaves_json->is_array()) co_return;
  std::array<std::uint64_t, MerkleLeaves::leaf_count> theirs{};
  const auto& array = leaves_json->as_array();
  for (std::size_t i = 0; i < theirs.size() && i < array.size(); ++i) {
    boost::system::error_code number_ec;  // JSON numbers parse as int64 or uint64 depending on size
    theirs[i] = array[i].is_number() ? array[i].to_number<std::uint64_t>(number_ec) : 0;
  }
  auto differing = array.empty() ? std::vector<std::size_t>{}
                                 : MerkleLeaves::diff(replica_.summary_for(peer).leaves(), theirs);
  if (differing.empty()) {
    in_sync_since_ms_[peer] = started_ms;  // equal roots
    co_return;
  }
  auto pulled = co_await pull_differing(peer, differing);
  if (!pulled) co_return;
  // Push what is newer here, or missing there, in messages that fit.
  std::vector<KeyedRecord> newer_here;
  for (auto& [key, record] : replica_.entries(peer, differing)) {
    auto theirs_it = pulled->their_versions.find(key);
    if (theirs_it == pulled->their_versions.end() || theirs_it->second < record.version)
      newer_here.push_back({key, record});
  }
  const auto pushed = newer_here.size();
  for (auto& group : in_messages_of(std::move(newer_here), record_budget()))
    if (!(co_await exchange(peer, "/ap/put", put_body(group, std::nullopt))).answered_ok()) break;
  keys_pulled_ += pulled->newer;
  keys_pushed_ += pushed;
  context_.metrics.count("sysdist_ap_anti_entropy_keys_total", "direction=\"pulled\"", static_cast<double>(pulled->newer));
  context_.metrics.count("sysdist_ap_anti_entropy_keys_total", "direction=\"pushed\"", static_cast<double>(pushed));
  log_->info("anti-entropy with node {}: {} of {} leaves differed, pulled {} newer, pushed {}", peer + 1,
             differing.size(), MerkleLeaves::leaf_count, pulled->newer, pushed);
  context_.emit("anti_entropy", [&] {
    return boost::json::object{{"peer", peer + 1}, {"leaves_differed", differing.size()},
                               {"pulled", pulled->newer}, {"pushed", pushed}};
  });
}

// Fetches the peer's records of the differing leaves, page by page (each page fits one
// message), and keeps the newer ones. nullopt when the peer stopped answering.
asio::awaitable<std::optional<AntiEntropy::Pulled>> AntiEntropy::pull_differing(std::size_t peer,
                                                                                const std::vector<std::size_t>& leaves) {
  Pulled pulled;
  boost::json::object ask{{"from", context_.config.membership.self},
                          {"leaves", boost::json::array(leaves.begin(), leaves.end())},
                          {"after", nullptr}};
  for (std::size_t page = 0; page < max_pages_per_round; ++page) {
    auto answer = co_await exchange(peer, "/ap/entries", boost::json::serialize(ask));
    auto reply = answer.answered_ok() ? parse_entries_reply(answer.reply.body, record_rules(context_))
                                      : std::nullopt;
    if (!reply) co_return std::nullopt;
    for (auto& r : reply->records) {
      pulled.their_versions[r.key] = r.record.version;
      if (co_await replica_.merge(r.key, r.record)) ++pulled.newer;
    }
    if (!reply->more || reply->records.empty()) co_return pulled;
    ask["after"] = reply->records.back().key;
  }
  co_return std::nullopt;  // more than a round may move: the next round goes on
}

boost::json::object AntiEntropy::merkle_reply(std::size_t from, std::uint64_t their_root) const {
  const auto& mine = replica_.summary_for(from);
  boost::json::object reply{{"root", mine.root()}};
  boost::json::array leaves;
  if (mine.root() != their_root) leaves = boost::json::array(mine.leaves().begin(), mine.leaves().end());
  reply["leaves"] = std::move(leaves);
  return reply;
}

std::string AntiEntropy::entries_reply(const EntriesRequest& request) const {
  auto entries = replica_.entries(request.from, request.leaves);
  std::sort(entries.begin(), entries.end(), [](auto& a, auto& b) { return a.first < b.first; });
  std::vector<KeyedRecord> page;
  std::size_t bytes = 0;
  bool more = false;
  for (auto& [key, record] : entries) {
    if (request.after && key <= *request.after) continue;
    KeyedRecord keyed{key, record};
    const auto size = encoded_size(keyed);
    if (!page.empty() && bytes + size > record_budget()) {
      more = true;
      break;
    }
    bytes += size;
    page.push_back(std::move(keyed));
  }
  return boost::json::serialize(boost::json::object{{"records", to_json(page)}, {"more", more}});
}

std::size_t AntiEntropy::record_budget() { return limits::max_peer_body_bytes - limits::message_envelope_bytes; }

asio::awaitable<void> AntiEntropy::hand_off_hints() {
  std::map<std::size_t, std::vector<KeyedRecord>> by_target;
  std::map<std::size_t, std::vector<Hint>> hints_of;
  for (auto& hint : replica_.hints()) {
    by_target[hint.target].push_back({hint.key, hint.record});
    hints_of[hint.target].push_back(std::move(hint));
  }
  for (auto& [target, records] : by_target) {
    // One message per group that fits; a target that stops answering keeps the rest for
    // the next handoff, and a failed target never holds up the others.
    std::size_t sent = 0, refused = 0;
    for (auto& group : in_messages_of(std::move(records), record_budget())) {
      auto answer = co_await exchange(target, "/ap/put", put_body(group, std::nullopt));
      if (!answer.answered()) break;  // still unreachable: keep the hints
      std::vector<Hint> done(hints_of[target].begin() + sent, hints_of[target].begin() + sent + group.size());
      sent += group.size();
      if (!answer.answered_ok()) {
        // Refused (e.g. a version too far ahead of its clock): resending would never help.
        refused += group.size();
        context_.metrics.count("sysdist_ap_hints_dropped_total", "reason=\"refused\"", static_cast<double>(group.size()));
        log_->warn("hinted handoff: node {} refused {} hint(s) ({}): dropped; anti-entropy repairs what they carried",
                   target + 1, group.size(), answer.reply.status);
      }
      co_await replica_.drop_hints(done);
    }
    hints_handed_off_ += sent - refused;
    hints_refused_ += refused;
    if (sent > refused) {
      log_->info("hinted handoff: node {} is back, gave it {} write(s) held for it", target + 1, sent - refused);
      context_.emit("handoff", [&] { return boost::json::object{{"to", target + 1}, {"hints", sent - refused}}; });
    }
    if (sent < hints_of[target].size()) co_await keep_within_budget(target, hints_of[target], sent);
  }
}

// Hints for a replica that stays away are bounded in bytes: beyond --max-hint-bytes the
// oldest are dropped (anti-entropy repairs what they carried once the replica is back).
asio::awaitable<void> AntiEntropy::keep_within_budget(std::size_t target, std::vector<Hint>& hints,
                                                      std::size_t handed_off) {
  std::vector<Hint> kept(hints.begin() + static_cast<std::ptrdiff_t>(handed_off), hints.end());
  std::size_t bytes = 0;
  for (const auto& h : kept) bytes += h.key.size() + h.record.value.value_or("").size();
  if (bytes <= context_.config.max_hint_bytes) co_return;
  std::sort(kept.begin(), kept.end(), [](const Hint& a, const Hint& b) { return a.record.version < b.record.version; });
  std::vector<Hint> oldest;
  for (const auto& h : kept) {
    if (bytes <= context_.config.max_hint_bytes) break;
    bytes -= h.key.size() + h.record.value.value_or("").size();
    oldest.push_back(h);
  }
  hints_dropped_ += oldest.size();
  context_.metrics.count("sysdist_ap_hints_dropped_total", "reason=\"over_budget\"", static_cast<double>(oldest.size()));
  log_->warn("hinted handoff: node {} is away with more than {} bytes of hints: dropped the {} oldest "
             "(anti-entropy repairs them once it is back)",
             target + 1, context_.config.max_hint_bytes, oldest.size());
  co_await replica_.drop_hints(oldest);
}

asio::awaitable<void> AntiEntropy::collect_garbage() {
  const auto now = context_.wall_ms();
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
          {"hints_refused", hints_refused_},
          {"hints_dropped_over_budget", hints_dropped_},
          {"tombstones_collected", tombstones_collected_}};
}

}  // namespace sysdist::ap
