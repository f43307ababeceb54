#include "modes/ap/ap_mode.hpp"

#include <map>

#include "common/checks.hpp"
#include "common/net.hpp"
#include "modes/ap/messages.hpp"
#include "node/logging.hpp"
#include "peer/messages.hpp"

namespace sysdist::ap {

namespace {
std::optional<std::size_t> node_index(const boost::json::object& body, const char* field, std::size_t members) {
  auto* v = body.if_contains(field);
  if (!v) return std::nullopt;
  std::int64_t n = -1;
  if (auto* u = v->if_uint64()) n = static_cast<std::int64_t>(*u);
  if (auto* i = v->if_int64()) n = *i;
  if (n < 0 || static_cast<std::size_t>(n) >= members) return std::nullopt;
  return static_cast<std::size_t>(n);
}
}  // namespace

ApMode::ApMode(const ModeContext& context)
    : context_(context),
      log_(logger("ap")),
      ring_(context_.config.membership),
      replica_(context_, ring_, log_),
      coordinator_(context_, ring_, replica_, log_),
      anti_entropy_(context_, replica_, log_) {}

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

asio::awaitable<PeerReply> ApMode::handle_peer(PeerRequest request) {
  auto segments = path_of(request.target);
  if (!segments) co_return error_reply(400, "bad_url", "Malformed URL or percent-encoding");
  const auto& path = *segments;
  const auto route = path.size() >= 2 ? "/" + path[0] + "/" + path[1] : std::string();
  if (route == "/quorum/read" && path.size() == 3) {
    if (request.method != "GET") co_return error_reply(405, "method_not_allowed", "Use GET /quorum/read/:key");
    auto record = replica_.get(path[2]);
    if (!record) co_return error_reply(404, "not_found", "Value for key " + path[2] + " not present");
    co_return json_reply(to_json(path[2], *record));
  }
  const bool known = route == "/quorum/repair" || route == "/ap/put" || route == "/ap/merkle" || route == "/ap/entries";
  if (!known || path.size() != 2) co_return error_reply(404, "unknown_route", "No route " + request.target);
  if (request.method != "POST") co_return error_reply(405, "method_not_allowed", "Use POST " + route);
  boost::system::error_code ec;
  auto json = boost::json::parse(request.body, ec);
  if (ec || !json.is_object()) co_return error_reply(400, "malformed_json", "Expected a JSON object");
  const auto& body = json.as_object();
  const auto members = context_.config.membership.size();
  if (route == "/quorum/repair") co_return co_await repair(body);
  if (route == "/ap/put") co_return co_await put_records(body);
  auto from = node_index(body, "from", members);
  if (!from) co_return error_reply(400, "malformed_json", "Expected \"from\": a node index");
  if (route == "/ap/merkle") {
    std::uint64_t their_root = 0;  // parsed as int64 or uint64 depending on its size
    if (auto* root = body.if_contains("root"); root && root->is_number()) {
      boost::system::error_code ec;
      their_root = root->to_number<std::uint64_t>(ec);
    }
    co_return json_reply(anti_entropy_.merkle_reply(*from, their_root));
  }
  std::vector<std::size_t> leaves;
  if (auto* list = body.if_contains("leaves"); list && list->is_array())
    for (auto& leaf : list->as_array())
      if (leaf.is_int64() && leaf.as_int64() >= 0 &&
          leaf.as_int64() < static_cast<std::int64_t>(MerkleLeaves::leaf_count))
        leaves.push_back(static_cast<std::size_t>(leaf.as_int64()));
  co_return json_reply(anti_entropy_.entries_reply(*from, std::move(leaves)));
}

asio::awaitable<PeerReply> ApMode::put_records(const boost::json::object& body) {
  auto records = records_from(body.if_contains("records"));
  if (!records) co_return error_reply(400, "malformed_json", "Expected {\"records\": [{\"key\",\"val\",\"ts\",...}]}");
  std::optional<std::size_t> hint_for;
  if (auto* target = body.if_contains("hint_for"); target && target->is_string()) {
    auto index = context_.config.membership.find(std::string(target->as_string()));
    if (index >= context_.config.membership.size()) co_return error_reply(400, "bad_hint", "Unknown hint target");
    hint_for = index;
  }
  for (const auto& r : *records) {
    if (auto bad = check_key(r.key)) co_return error_reply(400, bad->code, bad->message);
    if (r.record.value)
      if (auto bad = check_value(*r.record.value)) co_return error_reply(400, bad->code, bad->message);
  }
  std::size_t stored = 0;
  for (auto& r : *records) stored += co_await replica_.merge(r.key, r.record, hint_for) ? 1 : 0;
  co_return json_reply(boost::json::object{{"stored", stored}});
}

// The original's repair route: sets this replica's copy, whatever its version (that is
// how bin/trick-value.sh plants an old value for the next read to repair).
asio::awaitable<PeerReply> ApMode::repair(const boost::json::object& body) {
  auto keyed = keyed_record_from(body);
  if (!keyed || !keyed->record.value)
    co_return error_reply(400, "malformed_json", "Expected {\"key\": string, \"val\": string, \"ts\": number}");
  if (auto bad = check_key(keyed->key)) co_return error_reply(400, bad->code, bad->message);
  if (auto bad = check_value(*keyed->record.value)) co_return error_reply(400, bad->code, bad->message);
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

}  // namespace sysdist::ap
