#include "tools/check/workload.hpp"

#include <array>
#include <map>
#include <memory>
#include <random>

#include <boost/json.hpp>

#include "common/net.hpp"
#include "tools/check/http_client.hpp"

namespace sysdist::check {

std::int64_t Recorder::now_ns() const {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(CheckClock::now() - began).count();
}

void Recorder::record(Op op) {
  (op.result == OpResult::ok ? ok : op.result == OpResult::fail ? fail : info)++;
  op.id = ops.size();
  ops.push_back(std::move(op));
}

namespace {
// What a client learned from an answer: the result, and for a read the value it returned.
void learn(Op& op, const Answer& answer) {
  op.status = answer.error ? 0 : answer.status;
  op.result = result_for_status(op.type, op.status);
  if (op.type == OpType::cas && op.status == 412) op.mismatch = true;
  if (op.type != OpType::read || op.result != OpResult::ok) return;
  op.value.reset();
  if (op.status != 200) return;
  boost::system::error_code ec;
  auto body = boost::json::parse(answer.body, ec);
  if (ec || !body.is_object() || !body.as_object().contains("val") || !body.as_object().at("val").is_string())
    op.result = OpResult::fail;  // an answer we cannot read says nothing
  else
    op.value = std::string(body.as_object().at("val").as_string());
}
}  // namespace

asio::awaitable<void> client(Workload& w, int process) {
  auto executor = co_await asio::this_coro::executor;
  std::mt19937 random(w.options.seed * 1000 + static_cast<unsigned>(process));
  std::array<std::unique_ptr<Connection>, node_count> connections;
  std::map<std::string, std::string> last_seen;  // per key: a value to expect in a cas
  const std::chrono::milliseconds timeout(w.options.timeout_ms);
  for (std::uint64_t n = 0; CheckClock::now() < w.stop_at; ++n) {
    Op op;
    op.process = process;
    op.key = w.options.key(static_cast<int>(random() % static_cast<unsigned>(w.options.keys)));
    op.node = static_cast<int>(random() % node_count) + 1;
    const auto dice = random() % 100;
    const bool cas_allowed = w.options.mode == "CP" && last_seen.contains(op.key);
    op.type = dice < 50 ? OpType::read : (dice < 85 || !cas_allowed ? OpType::write : OpType::cas);
    std::string target = "/database/" + op.key;
    if (op.type != OpType::read) op.value = w.options.tag + "c" + std::to_string(process) + "-" + std::to_string(n);
    if (op.type == OpType::cas) {
      op.expected = last_seen[op.key];
      target += "?expect=" + op.expected;  // values are [a-z0-9-]: nothing to escape
    }
    auto& connection = connections[static_cast<std::size_t>(op.node - 1)];
    if (!connection) connection = std::make_unique<Connection>(executor, op.node);
    op.invoke_ns = w.recorder.now_ns();
    std::string method = op.type == OpType::read ? "GET" : "PUT";  // named: g++ 12 and temporaries
    std::string body = op.type == OpType::read ? "" : *op.value;
    auto answer = co_await connection->request(std::move(method), std::move(target), std::move(body), timeout);
    op.complete_ns = w.recorder.now_ns();
    if (!answer.sent) {  // nothing was sent: the operation definitely did not happen
      op.result = OpResult::fail;
      w.recorder.record(std::move(op));
      asio::steady_timer pause(executor, std::chrono::milliseconds(50));  // a dead node refuses at once
      co_await pause.async_wait(use_tuple);
      continue;
    }
    learn(op, answer);
    if (op.result == OpResult::ok && op.value && !op.mismatch) last_seen[op.key] = *op.value;
    w.recorder.record(std::move(op));
  }
}

}  // namespace sysdist::check
