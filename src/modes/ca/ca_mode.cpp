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
}  // namespace

CaMode::CaMode(const ModeContext& context, StepHook hook)
    : context_(context),
      log_(logger("ca")),
      participant_(context_, log_),
      coordinator_(context_, participant_, log_, std::move(hook)) {}

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

asio::awaitable<PeerReply> CaMode::handle_peer(PeerRequest request) {
  auto segments = path_of(request.target);
  if (!segments) co_return error_reply(400, "bad_url", "Malformed URL or percent-encoding");
  const auto& path = *segments;
  if (path.empty() || path[0] != "2pc") co_return error_reply(404, "unknown_route", "No route " + request.target);
  const bool post = request.method == "POST";
  if (path.size() == 2 && path[1] == "propose") {
    if (!post) co_return error_reply(405, "method_not_allowed", "Use POST /2pc/propose");
    co_return co_await propose(request.body);
  }
  if (path.size() == 2 && path[1] == "forget") {
    if (!post) co_return error_reply(405, "method_not_allowed", "Use POST /2pc/forget");
    auto ids = parse_forget(request.body);
    if (!ids) co_return error_reply(400, "bad_message", ids.error);
    co_await participant_.forget(*ids);
    co_return json_reply(boost::json::object{{"forgotten", ids->size()}});
  }
  if (path.size() == 3 && !is_valid_txn_id(path[2]))
    co_return error_reply(400, "bad_message", "Transaction id must be 1 to 64 characters of A-Z a-z 0-9 . _ : -");
  if (path.size() == 3 && (path[1] == "commit" || path[1] == "rollback")) {
    if (!post) co_return error_reply(405, "method_not_allowed", "Use POST /2pc/" + path[1] + "/:id");
    co_return co_await decide(path[2], path[1] == "commit" ? TxnState::committed : TxnState::aborted);
  }
  if (path.size() == 3 && path[1] == "txn") {
    if (request.method != "GET") co_return error_reply(405, "method_not_allowed", "Use GET /2pc/txn/:id");
    auto state = co_await participant_.state_for_peer(path[2]);
    co_return state_reply(path[2], state);
  }
  co_return error_reply(404, "unknown_route", "No route " + request.target);
}

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

asio::awaitable<PeerReply> CaMode::decide(const std::string& id, TxnState decision) {
  auto outcome =
      decision == TxnState::committed ? co_await participant_.commit(id) : co_await participant_.rollback(id);
  if (!outcome) co_return error_reply(404, "unknown_transaction", "Transaction " + id + " is not prepared here");
  if (*outcome != decision)
    co_return error_reply(409, "already_decided", "Transaction " + id + " is already " + state_name(*outcome));
  co_return state_reply(id, *outcome);
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
