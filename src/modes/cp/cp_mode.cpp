#include "modes/cp/cp_mode.hpp"

#include <boost/json.hpp>

#include "common/clock.hpp"
#include "common/net.hpp"
#include "modes/cp/command.hpp"
#include "common/logging.hpp"
#include "peer/messages.hpp"

namespace sysdist::cp {

namespace json = boost::json;

CpMode::CpMode(const ModeContext& context) : context_(context), log_(logger("cp")), raft_(context_, log_) {
  declare_routes();
}

asio::awaitable<void> CpMode::start() {
  raft_.recover();
  auto executor = co_await asio::this_coro::executor;
  raft_.start(executor);
}

void CpMode::stop() { raft_.stop(); }

asio::awaitable<std::optional<std::size_t>> CpMode::await_leader() {
  Timer wait(co_await asio::this_coro::executor);
  const auto give_up = Clock::now() + 2 * context_.config.election_timeout_max;
  while (!raft_.leader() && Clock::now() < give_up) {
    wait.expires_after(std::chrono::milliseconds(20));
    co_await wait.async_wait(use_tuple);
  }
  co_return raft_.leader();
}

asio::awaitable<Result> CpMode::submit(std::string cmd) {
  auto leader = co_await await_leader();
  if (!leader)
    co_return Result::fail(Outcome::unavailable, "no_leader", "No leader is known (minority side, or an election)");
  if (*leader == context_.config.membership.self) {
    auto result = co_await raft_.propose(std::move(cmd));
    co_return result;
  }
  PeerRequest request{"POST", "/raft/forward", std::move(cmd)};  // the command itself: no escaping
  ++forwarded_;
  const auto timeout = 3 * context_.config.election_timeout_max + 2 * context_.config.rpc_timeout;
  auto reply = co_await context_.transport.call(*leader, std::move(request), timeout);
  auto result = result_of_forward(reply);
  forward_steps_.step([&] {
    return "write sent on to the leader, node " + std::to_string(*leader + 1) + ": " + outcome_name(result.outcome);
  });
  co_return result;
}

asio::awaitable<Result> CpMode::put(std::string key, std::string value) {
  auto command = encode(Command{Command::Op::put, std::move(key), std::move(value), {}});  // named: g++ 12 bug 1
  auto result = co_await submit(std::move(command));
  co_return result;
}

asio::awaitable<Result> CpMode::put_if(std::string key, std::string value, std::string expected) {
  // Compared when applied, in log order.
  auto command = encode(Command{Command::Op::cas, std::move(key), std::move(value), std::move(expected)});
  auto result = co_await submit(std::move(command));
  co_return result;
}

asio::awaitable<Result> CpMode::remove(std::string key) {
  auto current = co_await get(key, false);
  if (current.outcome != Outcome::applied) co_return current;
  auto command = encode(Command{Command::Op::del, std::move(key), {}, {}});
  auto result = co_await submit(std::move(command));
  co_return result;
}

asio::awaitable<Result> CpMode::get(std::string key, bool stale) {
  std::optional<std::uint64_t> index;
  if (!stale) {
    index = co_await raft_.read_index();
    if (!index)
      co_return Result::fail(Outcome::unavailable, "no_leader",
                             "No leader confirmed this read (minority side, or an election)");
    const auto deadline = Clock::now() + context_.config.election_timeout_max;
    if (!co_await raft_.wait_applied(*index, deadline))
      co_return Result::fail(Outcome::unavailable, "behind", "This node has not caught up with the leader yet");
  }
  auto value = context_.store.get(Keyspace::data, key);
  read_steps_.step([&] {
    return "read '" + preview(key) + "' " +
           (index ? "at read index " + std::to_string(*index) + " (the leader confirmed it with a majority)"
                  : std::string("stale, from the local copy")) +
           ": " + (value ? "'" + preview(*value) + "'" : std::string("not found"));
  });
  if (!value) co_return Result::fail(Outcome::not_found, "not_found", "");
  co_return Result::found(std::move(*value));
}

asio::awaitable<PeerReply> CpMode::handle_peer(PeerRequest request) { co_return co_await routes_.dispatch(request); }

void CpMode::declare_routes() {
  using Params = PeerRoutes::Params;
  routes_.add("POST", "/raft/prevote", [this](const PeerRequest& r, const Params&) { return vote(r.body, true); });
  routes_.add("POST", "/raft/vote", [this](const PeerRequest& r, const Params&) { return vote(r.body, false); });
  routes_.add("POST", "/raft/append", [this](const PeerRequest& r, const Params&) { return append(r.body); });
  routes_.add("POST", "/raft/snapshot", [this](const PeerRequest& r, const Params&) { return snapshot(r.body); });
  routes_.add("POST", "/raft/read_index", [this](const PeerRequest&, const Params&) { return read_index(); });
  routes_.add("POST", "/raft/forward", [this](const PeerRequest& r, const Params&) { return forward(r.body); });
}

// Each route parses and checks its message first: a refused one is a 400 that changed nothing.
asio::awaitable<PeerReply> CpMode::vote(const std::string& body, bool pre_vote) {
  auto message = parse_vote_request(body, context_.config.membership);
  if (!message) co_return error_reply(400, "bad_message", message.error);
  VoteReply reply;
  if (pre_vote)
    reply = co_await raft_.on_pre_vote(*message);
  else
    reply = co_await raft_.on_vote(*message);
  co_return PeerReply{200, to_body(reply)};
}

asio::awaitable<PeerReply> CpMode::append(const std::string& body) {
  auto message = parse_append(body, context_.config.membership);
  if (!message) co_return error_reply(400, "bad_message", message.error);
  auto reply = co_await raft_.on_append(*message);
  co_return PeerReply{200, to_body(reply)};
}

asio::awaitable<PeerReply> CpMode::snapshot(const std::string& body) {
  auto message = parse_snapshot(body, context_.config.membership);
  if (!message) co_return error_reply(400, "bad_message", message.error);
  auto reply = co_await raft_.on_snapshot(*message);
  co_return PeerReply{200, to_body(reply)};
}

asio::awaitable<PeerReply> CpMode::read_index() {
  auto index = co_await raft_.on_read_index();
  if (!index) co_return error_reply(503, "not_leader", "Not the leader, or leadership not confirmed");
  co_return PeerReply{200, to_body(ReadIndexReply{*index})};
}

// The body is a command (command.hpp), checked before it enters the log.
asio::awaitable<PeerReply> CpMode::forward(const std::string& body) {
  if (!decode_command(body)) co_return error_reply(400, "bad_message", "Expected a command");
  auto result = co_await raft_.propose(body);
  co_return PeerReply{200, forward_reply_body(result)};
}

json::object CpMode::status() const {
  auto status = raft_.status();
  status["forwarded"] = forwarded_;
  return status;
}

json::object CpMode::dump() const {
  json::object data;
  context_.store.for_each(Keyspace::data, [&](std::string_view key, std::string_view value) { data[key] = value; });
  return data;
}

}  // namespace sysdist::cp
