#include "modes/ca/ca_mode.hpp"

#include <boost/json.hpp>

#include "common/clock.hpp"
#include "common/limits.hpp"
#include "common/net.hpp"
#include "modes/ca/messages.hpp"
#include "common/logging.hpp"
#include "peer/messages.hpp"

namespace sysdist::ca {

namespace {
PeerReply state_reply(const std::string& id, TxnState state) {
  return {200, to_body(TxnStateMessage{id, state_name(state)})};
}
PeerReply bad_txn_id() {
  return error_reply(400, "bad_message", "Transaction id must be 1 to 64 characters of A-Z a-z 0-9 . _ : -");
}
}  // namespace

CaMode::CaMode(const ModeContext& context, StepHook hook)
    : context_(context),
      log_(logger("ca")),
      participant_(context_, log_),
      coordinator_(context_, participant_, log_, std::move(hook)) {
  using Params = PeerRoutes::Params;
  routes_.add("POST", "/2pc/propose", [this](const PeerRequest& r, const Params&) { return propose(r.body); });
  routes_.add("POST", "/2pc/sync", [this](const PeerRequest& r, const Params&) { return sync_decided(r.body); });
  routes_.add("POST", "/2pc/forget", [this](const PeerRequest& r, const Params&) { return forget(r.body); });
  routes_.add("POST", "/2pc/commit/:id",
              [this](const PeerRequest&, const Params& p) { return decide(p[0], TxnState::committed); });
  routes_.add("POST", "/2pc/rollback/:id",
              [this](const PeerRequest&, const Params& p) { return decide(p[0], TxnState::aborted); });
  routes_.add("GET", "/2pc/txn/:id", [this](const PeerRequest&, const Params& p) { return txn_state(p[0]); });
}

asio::awaitable<void> CaMode::start() {
  auto in_doubt = participant_.recover();
  co_await coordinator_.recover(in_doubt);
  auto executor = co_await asio::this_coro::executor;
  asio::co_spawn(executor, in_doubt_loop(),
                 asio::bind_cancellation_slot(stop_signal_.slot(), log_failure("in-doubt loop")));
}

void CaMode::stop() { stop_signal_.emit(asio::cancellation_type::terminal); }

asio::awaitable<void> CaMode::in_doubt_loop() {
  Timer tick(co_await asio::this_coro::executor);
  for (;;) {
    tick.expires_after(limits::in_doubt_scan_interval);
    co_await tick.async_wait(asio::use_awaitable);
    co_await participant_.resolve_in_doubt(2 * context_.config.rpc_timeout);
    co_await coordinator_.forget_decided();
  }
}

asio::awaitable<Result> CaMode::put(std::string key, std::string value) {
  co_return co_await coordinator_.write(std::move(key), std::move(value));
}

asio::awaitable<Result> CaMode::remove(std::string key) {
  if (!participant_.read(key)) co_return Result::fail(Outcome::not_found, "not_found", "");
  co_return co_await coordinator_.write(std::move(key), std::nullopt);
}

asio::awaitable<Result> CaMode::get(std::string key, bool) {
  auto value = participant_.read(key);  // CA reads are local
  if (!value) co_return Result::fail(Outcome::not_found, "not_found", "");
  co_return Result::found(std::move(*value));
}

asio::awaitable<PeerReply> CaMode::handle_peer(PeerRequest request) { co_return co_await routes_.dispatch(request); }

asio::awaitable<PeerReply> CaMode::propose(const std::string& body) {
  auto txn = parse_proposal(body, context_.config.membership);
  if (!txn) co_return error_reply(400, "bad_message", txn.error);
  Txn proposal = *txn;
  const auto id = proposal.id;
  auto vote = co_await participant_.prepare(std::move(proposal));
  if (!vote.yes) co_return error_reply(409, "vote_no", vote.reason);
  boost::json::object yes{{"id", id}, {"vote", "yes"}};
  co_return json_reply(yes);
}

asio::awaitable<PeerReply> CaMode::forget(const std::string& body) {
  auto ids = parse_forget(body);
  if (!ids) co_return error_reply(400, "bad_message", ids.error);
  co_await participant_.forget(*ids);
  co_return json_reply(boost::json::object{{"forgotten", ids->size()}});
}

asio::awaitable<PeerReply> CaMode::sync_decided(const std::string& body) {
  auto ids = parse_forget(body);
  if (!ids) co_return error_reply(400, "bad_message", ids.error);
  if (!co_await participant_.sync_decided(*ids))
    co_return error_reply(409, "in_doubt", "Some of these transactions are in doubt here: keep their decisions");
  co_return json_reply(boost::json::object{{"synced", ids->size()}});
}

asio::awaitable<PeerReply> CaMode::decide(const std::string& id, TxnState decision) {
  if (!is_valid_txn_id(id)) co_return bad_txn_id();
  auto outcome =
      decision == TxnState::committed ? co_await participant_.commit(id, Durability::ordered)
                                      : co_await participant_.rollback(id, Durability::ordered);
  if (!outcome) co_return error_reply(404, "unknown_transaction", "Transaction " + id + " is not prepared here");
  if (*outcome != decision)
    co_return error_reply(409, "already_decided", "Transaction " + id + " is already " + state_name(*outcome));
  co_return state_reply(id, *outcome);
}

asio::awaitable<PeerReply> CaMode::txn_state(const std::string& id) {
  if (!is_valid_txn_id(id)) co_return bad_txn_id();
  auto state = co_await participant_.state_for_peer(id);
  co_return state_reply(id, state);
}

boost::json::object CaMode::status() const {
  boost::json::object status;
  status["prepared"] = participant_.prepared_view();
  status["locked_keys"] = participant_.locks();
  status["transactions_forgotten"] = coordinator_.forgotten();
  return status;
}

boost::json::object CaMode::dump() const {
  boost::json::object data;
  context_.store.for_each(Keyspace::data, [&](std::string_view key, std::string_view value) { data[key] = value; });
  return data;
}

}  // namespace sysdist::ca
