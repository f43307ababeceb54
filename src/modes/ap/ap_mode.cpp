#include "modes/ap/ap_mode.hpp"

#include <map>

#include "common/checks.hpp"
#include "common/net.hpp"
#include "modes/ap/messages.hpp"
#include "common/logging.hpp"
#include "peer/messages.hpp"

namespace sysdist::ap {

ApMode::ApMode(const ModeContext& context)
    : context_(context),
      log_(logger("ap")),
      ring_(context_.config.membership),
      replica_(context_, ring_, log_),
      coordinator_(context_, ring_, replica_, log_),
      anti_entropy_(context_, replica_, log_) {
  using Params = PeerRoutes::Params;
  routes_.add("GET", "/quorum/read/:key", [this](const PeerRequest&, const Params& p) { return read_record(p[0]); });
  routes_.add("POST", "/quorum/repair", [this](const PeerRequest& r, const Params&) { return repair(r.body); });
  routes_.add("POST", "/ap/put", [this](const PeerRequest& r, const Params&) { return put_records(r.body); });
  routes_.add("POST", "/ap/merkle", [this](const PeerRequest& r, const Params&) { return merkle(r.body); });
  routes_.add("POST", "/ap/entries", [this](const PeerRequest& r, const Params&) { return entries(r.body); });
}

asio::awaitable<void> ApMode::start() {
  replica_.load();
  auto executor = co_await asio::this_coro::executor;
  asio::co_spawn(executor, anti_entropy_.run(),
                 asio::bind_cancellation_slot(stop_signal_.slot(), log_failure("anti-entropy loop")));
  log_->info("AP ring ready: N={} R={} W={}, anti-entropy every {} ms", context_.config.replicas,
             context_.config.read_quorum, context_.config.write_quorum, context_.config.anti_entropy_interval.count());
}

void ApMode::stop() { stop_signal_.emit(asio::cancellation_type::terminal); }

asio::awaitable<Result> ApMode::put(std::string key, std::string value) {
  auto result = co_await coordinator_.write(std::move(key), std::move(value));
  co_return result;
}

asio::awaitable<Result> ApMode::remove(std::string key) {
  auto current = co_await coordinator_.read(key);
  if (current.outcome != Outcome::applied) co_return current;  // 404 when absent, 503 without a read quorum
  auto result = co_await coordinator_.write(std::move(key), std::nullopt);
  co_return result;
}

asio::awaitable<Result> ApMode::get(std::string key, bool) {
  auto result = co_await coordinator_.read(std::move(key));
  co_return result;
}

asio::awaitable<PeerReply> ApMode::handle_peer(PeerRequest request) { co_return co_await routes_.dispatch(request); }

asio::awaitable<PeerReply> ApMode::read_record(const std::string& key) {
  auto record = replica_.get(key);
  answered_steps_.step([&] {
    if (!record) return "answered a read of '" + preview(key) + "': not here";
    const auto& v = record->version;
    return "answered a read of '" + preview(key) + "': '" + preview(record->value.value_or("<tombstone>")) + "' v" +
           std::to_string(v.wall_ms) + "." + std::to_string(v.logical) + "." + std::to_string(v.node);
  });
  if (!record) co_return error_reply(404, "not_found", "Value for key " + key + " not present");
  co_return json_reply(to_json(key, *record));
}

asio::awaitable<PeerReply> ApMode::merkle(const std::string& body) {
  auto message = parse_merkle_request(body, context_.config.membership);
  if (!message) co_return error_reply(400, "bad_message", message.error);
  co_return json_reply(anti_entropy_.merkle_reply(message->from, message->root));
}

asio::awaitable<PeerReply> ApMode::entries(const std::string& body) {
  auto message = parse_entries_request(body, context_.config.membership);
  if (!message) co_return error_reply(400, "bad_message", message.error);
  co_return PeerReply{200, anti_entropy_.entries_reply(*message)};
}

asio::awaitable<PeerReply> ApMode::put_records(const std::string& body) {
  auto message = parse_put(body, record_rules(context_));
  if (!message) co_return error_reply(400, "bad_message", message.error);
  std::size_t stored = 0;
  for (auto& r : message->records) stored += co_await replica_.merge(r.key, r.record, message->hint_for) ? 1 : 0;
  co_return json_reply(boost::json::object{{"stored", stored}});
}

// The original's repair route: sets this replica's copy, whatever its version (that is
// how bin/trick-value.sh plants an old value for the next read to repair).
asio::awaitable<PeerReply> ApMode::repair(const std::string& body) {
  auto keyed = parse_repair(body, record_rules(context_));
  if (!keyed) co_return error_reply(400, "bad_message", keyed.error);
  log_->warn("repair route: '{}' set to '{}' with ts {} (whatever was here before)", preview(keyed->key),
             preview(*keyed->record.value), keyed->record.version.wall_ms);
  co_await replica_.overwrite(keyed->key, keyed->record);
  co_return json_reply(to_json(keyed->key, keyed->record));
}

boost::json::object ApMode::status() const {
  const auto& membership = context_.config.membership;
  boost::json::array ownership;
  auto share = ring_.ownership();
  for (std::size_t i = 0; i < share.size(); ++i)
    ownership.push_back(
        {{"node", i + 1}, {"share", std::to_string(std::lround(share[i] * 1000) / 10.0).substr(0, 4) + "%"}});
  std::map<std::size_t, std::size_t> hints_per_target;
  for (const auto& hint : replica_.hints()) ++hints_per_target[hint.target];
  boost::json::array hints;
  for (auto [target, count] : hints_per_target)
    hints.push_back({{"for", membership.members[target].address()}, {"hints", count}});
  return {{"replicas", context_.config.replicas},
          {"read_quorum", context_.config.read_quorum},
          {"write_quorum", context_.config.write_quorum},
          {"ring_ownership", std::move(ownership)},
          {"hints_held", std::move(hints)},
          {"read_repairs", coordinator_.read_repairs()},
          {"anti_entropy", anti_entropy_.status()}};
}

boost::json::object ApMode::dump() const {
  boost::json::object data;
  replica_.for_each([&](const std::string& key, const Record& record) {
    if (record.value) data[key] = *record.value;
  });
  return data;
}

boost::json::object ApMode::dump_with_versions() const {
  boost::json::object data;
  replica_.for_each([&](const std::string& key, const Record& record) {
    if (!record.value) return;
    const auto& v = record.version;
    data[key] = boost::json::object{
        {"val", *record.value},
        {"version", std::to_string(v.wall_ms) + "." + std::to_string(v.logical) + "." + std::to_string(v.node)}};
  });
  return data;
}

}  // namespace sysdist::ap
