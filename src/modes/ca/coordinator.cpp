#include "modes/ca/coordinator.hpp"

#include <cmath>

#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/json.hpp>

#include "common/net.hpp"
#include "common/limits.hpp"
#include "modes/ca/messages.hpp"
#include "modes/ca/vote_tally.hpp"
#include "common/logging.hpp"
#include "peer/fan_out.hpp"
#include "peer/messages.hpp"

namespace sysdist::ca {

namespace {
// The "error" text of a peer's JSON error reply, or the raw body.
std::string error_message_in(const std::string& body) {
  auto json = parse_json_object(body, {"error"});
  if (json && json->as_object()["error"].is_string()) return std::string(json->as_object()["error"].as_string());
  return body;
}
}  // namespace

Coordinator::Coordinator(const ModeContext& context, Participant& local, std::shared_ptr<spdlog::logger> log,
                         StepHook hook)
    : context_(context), local_(local), log_(std::move(log)), hook_(std::move(hook)) {}

asio::awaitable<Result> Coordinator::write(std::string key, std::optional<std::string> value) {
  const auto& membership = context_.config.membership;
  Txn txn{make_txn_id(membership.self + 1, context_.incarnation, ++sequence_), key, value, membership.me().address()};
  auto& metrics = context_.metrics;

  // Phase 1. The key is locked here first; our prepared record (also the coordinator's log
  // entry) is written, unsynced, while the proposals travel. Deciding waits for both, so a
  // COMMIT is only ever logged (synced, with our record before it) after our own record; a
  // crash before it leaves participants asking a coordinator that knows nothing: presumed
  // abort.
  auto own_vote = local_.lock_for(txn);
  if (!own_vote.yes) {
    metrics.count("sysdist_2pc_transactions_total", "outcome=\"conflict\"");
    co_return Result::fail(Outcome::rejected, "conflict", own_vote.reason);
  }
  propose_steps_.step([&] {
    return fmt::format("txn {}: PROPOSE {}='{}' to {} nodes", txn.id, preview(key),
                       preview(value.value_or("<delete>")), membership.size() - 1);
  });
  const auto began = Clock::now();
  context_.emit("txn", [&] {
    return boost::json::object{{"id", txn.id}, {"key", preview(key)}, {"phase", "propose"},
                               {"delete", !value.has_value()}, {"timeout_ms", context_.config.rpc_timeout.count()}};
  });
  const ProposeMessage propose{txn.id, key, value, txn.coordinator};
  const PeerRequest request{"POST", "/2pc/propose", to_body(propose)};
  auto is_no = [](const PeerResult& r) { return r.answered() && !r.answered_ok(); };
  const auto peers = membership.others();
  step("locked");
  auto executor = co_await asio::this_coro::executor;
  auto record_own = asio::co_spawn(executor, local_.record_prepared(txn.id, Durability::ordered), asio::deferred);
  auto ask_peers = asio::co_spawn(
      executor, call_all(context_.transport, peers, request, context_.config.rpc_timeout, is_no), asio::deferred);
  auto phase_one = asio::experimental::make_parallel_group(std::move(record_own), std::move(ask_peers));
  auto [order, own_failure, own_recorded, peers_failure, replies] =
      co_await phase_one.async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
  if (own_failure) std::rethrow_exception(own_failure);
  if (peers_failure) std::rethrow_exception(peers_failure);
  step("voted");

  VoteTally tally(membership.size());
  tally.record(membership.me().address(), own_recorded.yes ? Vote::yes : Vote::no, own_recorded.reason);
  std::vector<std::size_t> yes_voters, others;
  for (std::size_t i = 0; i < peers.size(); ++i) {
    const auto& who = membership.members[peers[i]].address();
    const auto& r = replies[i];
    if (r.answered_ok())
      tally.record(who, Vote::yes), yes_voters.push_back(peers[i]);
    else if (r.answered())
      tally.record(who, Vote::no, error_message_in(r.reply.body)), others.push_back(peers[i]);
    else if (r.error == asio::error::operation_aborted)
      others.push_back(peers[i]);  // cancelled: a "no" decided
    else
      tally.record(who, Vote::missing), others.push_back(peers[i]);
  }

  context_.emit("txn", [&] {
    boost::json::array votes(membership.size(), boost::json::value("no"));
    votes[membership.self] = own_recorded.yes ? "yes" : "no";
    for (std::size_t i = 0; i < peers.size(); ++i)
      votes[peers[i]] = replies[i].answered_ok() ? "yes"
                        : replies[i].answered() ? "no"
                        : replies[i].error == asio::error::operation_aborted ? "cancelled"
                                                                             : "missing";
    const std::chrono::duration<double, std::milli> took = Clock::now() - began;
    return boost::json::object{{"id", txn.id}, {"phase", tally.all_yes() ? "commit" : "abort"},
                               {"votes", std::move(votes)}, {"why", tally.explain()}, {"ms", std::round(took.count())}};
  });
  if (!tally.all_yes()) {
    log_->warn("txn {}: ABORT ({})", txn.id, tally.explain());
    co_await local_.rollback(txn.id);
    step("decided");
    // Yes-voters hold the key locked: release them before answering. The others get the
    // rollback in the background (they may be unreachable; they can also ask later).
    // An aborted transaction may be forgotten once its yes-voters know: a node asking later
    // about an id nobody remembers is told "aborted" anyway (presumed abort).
    if (co_await send_decision(txn.id, TxnState::aborted, yes_voters)) known_everywhere(txn.id);
    asio::co_spawn(executor, send_decision(txn.id, TxnState::aborted, others), log_failure("rollback " + txn.id));
    metrics.count("sysdist_2pc_transactions_total", "outcome=\"aborted\"");
    co_return Result::fail(Outcome::rejected, tally.any_no() ? "conflict" : "participant_unreachable",
                           "Transaction " + txn.id + " aborted: " + tally.explain());
  }

  // The decision is durable here, with the value, before any participant hears of it.
  commit_steps_.step([&] { return fmt::format("txn {}: all {} voted yes -> COMMIT", txn.id, membership.size()); });
  auto decided = co_await local_.commit(txn.id);
  step("decided");
  if (decided != TxnState::committed) {  // rolled back by hand (bin/rollback.sh) meanwhile
    co_await send_decision(txn.id, TxnState::aborted, peers);
    metrics.count("sysdist_2pc_transactions_total", "outcome=\"aborted\"");
    co_return Result::fail(Outcome::rejected, "aborted", "Transaction " + txn.id + " was rolled back meanwhile");
  }
  // A commit every node acknowledged leaves nobody in doubt: its records may go everywhere.
  if (co_await send_decision(txn.id, TxnState::committed, peers)) known_everywhere(txn.id);
  metrics.count("sysdist_2pc_transactions_total", "outcome=\"committed\"");
  co_return Result::ok();
}

asio::awaitable<bool> Coordinator::send_decision(std::string id, TxnState decision, std::vector<std::size_t> peers) {
  const auto action = decision == TxnState::committed ? "commit" : "rollback";
  const PeerRequest request{"POST", std::string("/2pc/") + action + "/" + id, ""};
  auto acks = co_await call_all(context_.transport, peers, request, context_.config.rpc_timeout);
  bool all = true;
  for (std::size_t i = 0; i < peers.size(); ++i)
    if (!acks[i].answered_ok()) {
      all = false;
      log_->warn("txn {}: {} not acknowledged by {}; it will ask when in doubt", id, action,
                 context_.config.membership.members[peers[i]].address());
    }
  co_return all;
}

void Coordinator::known_everywhere(const std::string& id) {
  if (forgettable_.size() < limits::max_forget_queue) forgettable_.push_back(id);  // else its records just stay
}

asio::awaitable<void> Coordinator::forget_decided() {
  std::deque<std::string> again;  // not yet acknowledged by everyone: the next pass tries again
  while (!forgettable_.empty()) {  // everything queued, in messages of at most max_forget_ids
    std::vector<std::string> ids;
    while (!forgettable_.empty() && ids.size() < limits::max_forget_ids) {
      ids.push_back(std::move(forgettable_.front()));
      forgettable_.pop_front();
    }
    // Participants wrote these decisions unsynced: nobody forgets before every one of them
    // has synced its own (participant.hpp), or a crash there would leave it asking nodes
    // that no longer remember a commit.
    const auto others = context_.config.membership.others();
    const PeerRequest sync{"POST", "/2pc/sync", forget_body(ids)};
    auto synced = co_await call_all(context_.transport, others, sync, context_.config.rpc_timeout);
    if (!std::all_of(synced.begin(), synced.end(), [](const PeerResult& r) { return r.answered_ok(); })) {
      again.insert(again.end(), ids.begin(), ids.end());
      continue;
    }
    // Best effort: a peer that misses this only keeps some records too many.
    const PeerRequest forget{"POST", "/2pc/forget", forget_body(ids)};
    co_await call_all(context_.transport, others, forget, context_.config.rpc_timeout);
    co_await local_.forget(ids);
    forgotten_ += ids.size();
  }
  forgettable_ = std::move(again);
}

asio::awaitable<void> Coordinator::recover(const std::vector<Txn>& in_doubt) {
  const auto self = context_.config.membership.me().address();
  for (const auto& txn : in_doubt) {
    if (txn.coordinator != self) continue;
    log_->warn("txn {}: coordinated here and never decided before the restart: ABORT", txn.id);
    co_await local_.rollback(txn.id);
    auto executor = co_await asio::this_coro::executor;
    asio::co_spawn(executor, send_decision(txn.id, TxnState::aborted, context_.config.membership.others()),
                   log_failure("rollback " + txn.id));
  }
}

}  // namespace sysdist::ca
