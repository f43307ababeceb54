#include "modes/ap/coordinator.hpp"

#include <algorithm>

#include <boost/json.hpp>
#include <boost/url.hpp>

#include "common/clock.hpp"
#include "common/net.hpp"
#include "modes/ap/messages.hpp"
#include "common/logging.hpp"

namespace sysdist::ap {

namespace {
std::string list(const std::vector<std::size_t>& nodes) {
  std::string text;
  for (auto n : nodes) text += (text.empty() ? "" : ",") + std::to_string(n + 1);
  return text;
}
boost::json::array numbers(const std::vector<std::size_t>& nodes) {
  boost::json::array numbers;
  for (auto n : nodes) numbers.push_back(n + 1);
  return numbers;
}
std::string version_text(const Version& v) {
  return std::to_string(v.wall_ms) + "." + std::to_string(v.logical) + "." + std::to_string(v.node);
}
}  // namespace

struct Coordinator::WriteRound {
  WriteRound(asio::any_io_executor ex, std::size_t w, std::string k, Record r, Plan p)
      : quorum(std::move(ex), w), key(std::move(k)), record(std::move(r)), plan(std::move(p)) {}
  QuorumRound quorum;
  std::string key;
  Record record;
  Plan plan;
  std::vector<std::size_t> stored_on;
  std::size_t attempts = 0, refused = 0;
};

struct Coordinator::ReadRound {
  ReadRound(asio::any_io_executor ex, std::size_t r, std::string k, Plan p)
      : quorum(std::move(ex), r), key(std::move(k)), plan(std::move(p)) {}
  QuorumRound quorum;
  std::string key;
  Plan plan;
  ReadTally tally;
};

Coordinator::Coordinator(const ModeContext& context, const Ring& ring, Replica& replica,
                         std::shared_ptr<spdlog::logger> log)
    : context_(context), ring_(ring), replica_(replica), log_(std::move(log)) {}

bool Coordinator::suspected(std::size_t node) const {
  if (node == context_.config.membership.self) return false;
  auto health = context_.transport.health();
  if (node >= health.size()) return false;
  const auto& last = health[node].last_outcome;
  return last == "timeout" || last == "unreachable";
}

Coordinator::Plan Coordinator::plan(const std::string& key) const {
  Plan p;
  auto walk = ring_.walk(key);
  const auto n = std::min<std::size_t>(context_.config.replicas, walk.size());
  p.intended.assign(walk.begin(), walk.begin() + n);
  // Healthy-looking members first, keeping ring order within each group.
  std::stable_partition(walk.begin(), walk.end(), [&](std::size_t m) { return !suspected(m); });
  p.targets.assign(walk.begin(), walk.begin() + n);
  p.spares.assign(walk.begin() + n, walk.end());
  return p;
}

asio::awaitable<Coordinator::Stored> Coordinator::store_on(std::size_t node, std::string key, Record record,
                                                           std::optional<std::size_t> hint_for) {
  const auto& membership = context_.config.membership;
  if (node == membership.self) {
    co_await replica_.merge(std::move(key), std::move(record), hint_for);
    co_return Stored::yes;  // stored, or already had something newer
  }
  std::optional<std::string> hint_target;
  if (hint_for) hint_target = membership.members[*hint_for].address();
  std::vector<KeyedRecord> records{{std::move(key), std::move(record)}};
  PeerRequest request{"POST", "/ap/put", put_body(records, hint_target)};
  auto result = co_await context_.transport.call(node, std::move(request), context_.config.rpc_timeout);
  if (result.answered_ok()) co_return Stored::yes;
  if (result.answered() || result.error == asio::error::connection_refused) co_return Stored::refused;
  co_return Stored::unknown;
}

asio::awaitable<Result> Coordinator::write(std::string key, std::optional<std::string> value) {
  auto executor = co_await asio::this_coro::executor;
  Record record{std::move(value), replica_.clock().next(context_.wall_ms())};
  auto round = std::make_shared<WriteRound>(executor, context_.config.write_quorum, key, record, plan(key));
  put_steps_.step([&] {
    return fmt::format("PUT '{}'='{}' v{}.{}.{} -> replicas {} (W={})", preview(key),
                       preview(record.value.value_or("<tombstone>")), record.version.wall_ms, record.version.logical,
                       record.version.node, list(round->plan.targets), context_.config.write_quorum);
  });
  context_.emit("put", [&] {
    return boost::json::object{{"key", preview(key)},
                               {"version", version_text(record.version)},
                               {"preference", numbers(round->plan.intended)},
                               {"targets", numbers(round->plan.targets)},
                               {"W", context_.config.write_quorum},
                               {"delete", !record.value}};
  });
  // A target outside the preference list stands in for a preference-list member skipped as suspected.
  std::deque<std::size_t> skipped;
  for (auto m : round->plan.intended)
    if (std::find(round->plan.targets.begin(), round->plan.targets.end(), m) == round->plan.targets.end())
      skipped.push_back(m);
  for (auto target : round->plan.targets) {
    const bool intended =
        std::find(round->plan.intended.begin(), round->plan.intended.end(), target) != round->plan.intended.end();
    std::optional<std::size_t> hint_for;
    if (!intended && !skipped.empty()) hint_for = skipped.front(), skipped.pop_front();
    launch_write(round, target, hint_for);
  }
  const auto deadline = Clock::now() + 2 * context_.config.rpc_timeout;  // room for one stand-in
  co_await round->quorum.until_enough(deadline);
  auto& metrics = context_.metrics;
  context_.emit("put_done", [&] {
    const bool none = round->quorum.succeeded() == 0 && round->quorum.pending() == 0 && round->refused == round->attempts;
    return boost::json::object{{"key", preview(key)},
                               {"stored_on", numbers(round->stored_on)},
                               {"W", context_.config.write_quorum},
                               {"status", round->quorum.enough() ? 201 : none ? 422 : 504}};
  });
  if (round->quorum.enough()) {
    put_answers_.step(
        [&] { return fmt::format("PUT '{}': stored on {} -> 201", preview(key), list(round->stored_on)); });
    metrics.count("sysdist_ap_writes_total", "outcome=\"ok\"");
    co_return Result::ok();
  }
  const auto acked = std::to_string(round->quorum.succeeded());
  if (round->quorum.succeeded() == 0 && round->quorum.pending() == 0 && round->refused == round->attempts) {
    log_->warn("PUT '{}': no replica could be reached -> 422", preview(key));
    metrics.count("sysdist_ap_writes_total", "outcome=\"rejected\"");
    co_return Result::fail(Outcome::rejected, "no_replica", "No replica could be reached; nothing was stored");
  }
  log_->warn("PUT '{}': only {} of W={} stored it in time -> 504", preview(key), acked, context_.config.write_quorum);
  metrics.count("sysdist_ap_writes_total", "outcome=\"unknown\"");
  co_return Result::fail(Outcome::unknown, "write_quorum_timeout",
                         "Only " + acked + " of W=" + std::to_string(context_.config.write_quorum) +
                             " replicas stored the value in time; the copies that landed may still spread");
}

void Coordinator::launch_write(std::shared_ptr<WriteRound> round, std::size_t node,
                               std::optional<std::size_t> hint_for) {
  round->quorum.call_started();
  ++round->attempts;
  auto executor = round->quorum.executor();
  asio::co_spawn(executor, write_to(std::move(round), node, hint_for), log_failure("replica write"));
}

asio::awaitable<void> Coordinator::write_to(std::shared_ptr<WriteRound> round, std::size_t node,
                                            std::optional<std::size_t> hint_for) {
  const auto outcome = co_await store_on(node, round->key, round->record, hint_for);
  const bool stored = outcome == Stored::yes;
  if (stored) {
    round->stored_on.push_back(node);
  } else {
    if (outcome == Stored::refused) ++round->refused;
    // Sloppy quorum: the next spare stands in, keeping a hint for the replica that failed.
    const bool intended =
        std::find(round->plan.intended.begin(), round->plan.intended.end(), node) != round->plan.intended.end();
    const auto owner = hint_for ? hint_for : (intended ? std::optional<std::size_t>(node) : std::nullopt);
    if (!round->plan.spares.empty()) {
      const auto spare = round->plan.spares.front();
      round->plan.spares.pop_front();
      stand_in_steps_.step([&] {
        return fmt::format("PUT '{}': node {} failed, node {} stands in{}", preview(round->key), name(node),
                           name(spare), owner ? " (hint for node " + name(*owner) + ")" : "");
      });
      context_.emit("stand_in", [&] {
        return boost::json::object{{"key", preview(round->key)}, {"failed", node + 1}, {"spare", spare + 1},
                                   {"hint_for", owner ? boost::json::value(*owner + 1) : nullptr}};
      });
      launch_write(round, spare, owner);
    } else if (owner && *owner != context_.config.membership.self) {
      co_await replica_.keep_hint(*owner, round->key, round->record);  // handed off when it is back
    }
  }
  round->quorum.call_finished(stored);
}

asio::awaitable<Result> Coordinator::read(std::string key) {
  auto executor = co_await asio::this_coro::executor;
  auto round = std::make_shared<ReadRound>(executor, context_.config.read_quorum, key, plan(key));
  for (auto target : round->plan.targets) launch_read(round, target);
  const auto deadline = Clock::now() + 2 * context_.config.rpc_timeout;
  co_await round->quorum.until_enough(deadline);
  const auto answers = round->quorum.succeeded();
  context_.emit("get", [&] {
    const auto& newest = round->tally.newest();
    return boost::json::object{{"key", preview(round->key)}, {"preference", numbers(round->plan.intended)},
                               {"answers", answers}, {"R", context_.config.read_quorum},
                               {"newest", newest ? version_text(newest->version) : ""}};
  });
  // Whatever happens next, keep collecting and repair the stale replicas in the background.
  asio::co_spawn(executor, repair_when_all_answered(round), log_failure("read repair"));
  if (!round->quorum.enough()) {
    co_return Result::fail(Outcome::unavailable, "read_quorum",
                           "Only " + std::to_string(answers) + " of R=" + std::to_string(context_.config.read_quorum) +
                               " replicas answered in time");
  }
  const auto& newest = round->tally.newest();
  if (!newest || newest->deleted()) co_return Result::fail(Outcome::not_found, "not_found", "");
  co_return Result::found(*newest->value);
}

void Coordinator::launch_read(std::shared_ptr<ReadRound> round, std::size_t node) {
  round->quorum.call_started();
  auto executor = round->quorum.executor();
  asio::co_spawn(executor, read_from(std::move(round), node), log_failure("replica read"));
}

asio::awaitable<void> Coordinator::read_from(std::shared_ptr<ReadRound> round, std::size_t node) {
  bool answered = false;
  std::optional<Record> record;
  if (node == context_.config.membership.self) {
    record = replica_.get(round->key);
    answered = true;
  } else {
    auto path = "/quorum/read/" + boost::urls::encode(round->key, boost::urls::pchars);
    PeerRequest request{"GET", std::move(path), ""};
    auto result = co_await context_.transport.call(node, std::move(request), context_.config.rpc_timeout);
    if (result.answered() && result.reply.status == 404) {
      answered = true;
    } else if (result.answered_ok()) {
      if (auto keyed = parse_read_reply(result.reply.body, record_rules(context_)))
        record = keyed->record, answered = true;
    }
  }
  if (answered) {
    round->tally.add(node, std::move(record));
  } else if (!round->plan.spares.empty()) {
    const auto spare = round->plan.spares.front();
    round->plan.spares.pop_front();
    launch_read(round, spare);
  }
  round->quorum.call_finished(answered);
}

asio::awaitable<void> Coordinator::repair_when_all_answered(std::shared_ptr<ReadRound> round) {
  co_await round->quorum.until_all(Clock::now() + 2 * context_.config.rpc_timeout);
  const auto& newest = round->tally.newest();
  if (!newest) co_return;
  const auto& replicas = round->plan.intended;
  for (auto stale : round->tally.stale()) {
    // A stand-in's copy goes away with its hint's handoff; repairing it would leave an
    // unhinted copy behind on a node that is no replica, never updated again.
    if (std::find(replicas.begin(), replicas.end(), stale) == replicas.end()) continue;
    repair_steps_.step([&] {
      return fmt::format("read repair: node {} had an older copy of '{}', sending v{}.{}.{}", name(stale),
                         preview(round->key), newest->version.wall_ms, newest->version.logical, newest->version.node);
    });
    context_.metrics.count("sysdist_ap_read_repairs_total", "");
    ++read_repairs_;
    context_.emit("repair", [&] {
      return boost::json::object{{"key", preview(round->key)}, {"node", stale + 1}, {"version", version_text(newest->version)}};
    });
    co_await store_on(stale, round->key, *newest, std::nullopt);
  }
}

}  // namespace sysdist::ap
