#include "modes/cp/cp_mode.hpp"

#include <boost/json.hpp>

#include "common/clock.hpp"
#include "common/net.hpp"
#include "modes/cp/command.hpp"
#include "common/logging.hpp"
#include "peer/messages.hpp"

namespace sysdist::cp {

namespace json = boost::json;

namespace {
// Dispatches a checked message to its handler and the reply to its JSON body; a refused
// message is a 400 that changed nothing.
template <class Message, class Handler>
asio::awaitable<PeerReply> checked_call(const Checked<Message>& message, Handler handler) {
  if (!message) co_return error_reply(400, "bad_message", message.error);
  auto reply = co_await handler(*message);
  co_return PeerReply{200, to_body(reply)};
}
}  // namespace

CpMode::CpMode(const ModeContext& context) : context_(context), log_(logger("cp")), raft_(context_, log_) {}

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
  const auto timeout = 3 * context_.config.election_timeout_max + 2 * context_.config.rpc_timeout;
  auto reply = co_await context_.transport.call(*leader, std::move(request), timeout);
  co_return result_of_forward(reply);
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
  if (!stale) {
    auto index = co_await raft_.read_index();
    if (!index)
      co_return Result::fail(Outcome::unavailable, "no_leader",
                             "No leader confirmed this read (minority side, or an election)");
    const auto deadline = Clock::now() + context_.config.election_timeout_max;
    if (!co_await raft_.wait_applied(*index, deadline))
      co_return Result::fail(Outcome::unavailable, "behind", "This node has not caught up with the leader yet");
  }
  auto value = context_.store.get(Keyspace::data, key);
  if (!value) co_return Result::fail(Outcome::not_found, "not_found", "");
  co_return Result::found(std::move(*value));
}

asio::awaitable<PeerReply> CpMode::handle_peer(PeerRequest request) {
  auto segments = path_of(request.target);
  if (!segments) co_return error_reply(400, "bad_url", "Malformed URL or percent-encoding");
  const auto& path = *segments;
  if (path.size() != 2 || path[0] != "raft") co_return error_reply(404, "unknown_route", "No route " + request.target);
  if (request.method != "POST") co_return error_reply(405, "method_not_allowed", "Use POST " + request.target);
  const auto& rpc = path[1];
  const auto& membership = context_.config.membership;
  auto& raft = raft_;
  // Messages are named before co_await (g++ 12 destroys temporaries in co_await expressions twice).
  if (rpc == "prevote" || rpc == "vote") {
    auto message = parse_vote_request(request.body, membership);
    auto handle = [&](const VoteRequest& m) { return rpc == "vote" ? raft.on_vote(m) : raft.on_pre_vote(m); };
    co_return co_await checked_call(message, handle);
  }
  if (rpc == "append") {
    auto message = parse_append(request.body, membership);
    auto handle = [&](const AppendRequest& m) { return raft.on_append(m); };
    co_return co_await checked_call(message, handle);
  }
  if (rpc == "snapshot") {
    auto message = parse_snapshot(request.body, membership);
    auto handle = [&](const SnapshotChunk& m) { return raft.on_snapshot(m); };
    co_return co_await checked_call(message, handle);
  }
  if (rpc == "read_index") {
    auto index = co_await raft_.on_read_index();
    if (!index) co_return error_reply(503, "not_leader", "Not the leader, or leadership not confirmed");
    co_return PeerReply{200, to_body(ReadIndexReply{*index})};
  }
  if (rpc == "forward") {  // the body is a command (command.hpp), checked before it enters the log
    if (!decode_command(request.body)) co_return error_reply(400, "bad_message", "Expected a command");
    auto result = co_await raft_.propose(std::move(request.body));
    co_return PeerReply{200, forward_reply_body(result)};
  }
  co_return error_reply(404, "unknown_route", "No route " + request.target);
}

json::object CpMode::status() const { return raft_.status(); }

json::object CpMode::dump() const {
  json::object data;
  context_.store.for_each(Keyspace::data, [&](std::string_view key, std::string_view value) { data[key] = value; });
  return data;
}

}  // namespace sysdist::cp
