#include "sim/clients.hpp"

#include <boost/asio.hpp>

#include "common/condition.hpp"
#include "http/reply.hpp"

namespace sysdist::sim {

namespace asio = boost::asio;
using check::Op;
using check::OpType;

namespace {
// The status a node's router answers for this outcome (http/reply: the one mapping).
int status_of(const Result& result, OpType type, bool remove) {
  const unsigned success = type == OpType::read || remove ? 200 : 201;
  return static_cast<int>(reply_for(result, success, "").status);
}

asio::awaitable<Result> invoke(Mode& mode, const Op& op) {
  if (op.type == OpType::read) co_return co_await mode.get(op.key, false);
  if (op.type == OpType::cas) co_return co_await mode.put_if(op.key, *op.value, op.expected);
  if (!op.value) co_return co_await mode.remove(op.key);
  co_return co_await mode.put(op.key, *op.value);
}

// Where a spawned operation leaves its answer.
struct Answer {
  std::optional<Result> result;
  Condition answered;
};
}  // namespace

Clients::Clients(World& world, Cluster& cluster, Workload workload)
    : world_(world), cluster_(cluster), workload_(std::move(workload)) {}

std::int64_t Clients::now_ns() const {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(world_.now().time_since_epoch()).count();
}

void Clients::start() {
  for (int p = 1; p <= workload_.clients; ++p) asio::co_spawn(world_.io(), client(p), asio::detached);
}

Op Clients::next_op(int process) {
  Op op;
  op.process = process;
  op.key = workload_.keys[world_.below(workload_.keys.size())];
  const auto& w = workload_;
  auto pick = world_.below(w.reads + w.writes + w.deletes + w.cas);
  const auto fresh = [&] { return "c" + std::to_string(process) + "." + std::to_string(++written_); };
  if (pick < w.reads) {
    op.type = OpType::read;
  } else if (pick < w.reads + w.writes) {
    op.type = OpType::write, op.value = fresh();
    if (world_.chance(w.fresh_key_per_mille)) op.key = "once." + *op.value;
  } else if (pick < w.reads + w.writes + w.deletes) {
    op.type = OpType::write;  // a delete
  } else {
    op.type = OpType::cas, op.value = fresh();
    // Expect a value this key had: the newest write to it, or a made-up one.
    op.expected = "none";
    for (auto it = history_.rbegin(); it != history_.rend(); ++it)
      if (it->key == op.key && it->type != OpType::read && it->value) {
        op.expected = *it->value;
        break;
      }
  }
  return op;
}

asio::awaitable<void> Clients::client(int process) {
  ++running_;
  auto executor = co_await asio::this_coro::executor;
  while (!stopping_) {
    auto op = next_op(process);
    co_await run(process, world_.below(Cluster::nodes), op.type, op.key, op.value, op.expected);
    Timer think(executor, Clock::duration(world_.below(workload_.think_max.count() + 1)));
    co_await think.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  --running_;
}

asio::awaitable<Op> Clients::run(int process, std::size_t node, OpType type, std::string key,
                                 std::optional<std::string> value, std::string expected) {
  Op op;
  op.id = history_.size() + 1;
  op.process = process;
  op.type = type;
  op.key = std::move(key);
  op.value = std::move(value);
  op.expected = std::move(expected);
  op.node = static_cast<int>(node + 1);
  op.invoke_ns = now_ns();
  const bool remove = type == OpType::write && !op.value;
  if (auto* mode = cluster_.mode(node)) {
    auto executor = co_await asio::this_coro::executor;
    auto answer = std::make_shared<Answer>();
    auto ask = [answer, mode, op]() -> asio::awaitable<void> {
      auto result = co_await invoke(*mode, op);
      answer->result = std::move(result);
      answer->answered.notify();
    };
    asio::co_spawn(executor, std::move(ask), asio::detached);  // co_spawn keeps the lambda (its captures) alive
    std::function<bool()> answered = [&answer] { return answer->result.has_value(); };
    co_await answer->answered.wait_until(std::move(answered), Clock::now() + workload_.timeout);
    if (answer->result) {
      op.status = status_of(*answer->result, type, remove);
      if (type == OpType::read) op.value = answer->result->value;
      op.mismatch = type == OpType::cas && op.status == 412;
    }
  }
  op.result = check::result_for_status(type, op.status);
  if (type == OpType::read && op.result != check::OpResult::ok) op.value.reset();
  op.complete_ns = now_ns();
  world_.trace("op p" + std::to_string(process) + " since " + std::to_string(op.invoke_ns / 1'000'000) + ": " +
               check::describe(op) + " @" + std::to_string(op.node) + " -> " + std::to_string(op.status));
  history_.push_back(op);
  co_return op;
}

}  // namespace sysdist::sim
