#include "modes/ca/participant.hpp"

#include <boost/json.hpp>

#include "common/net.hpp"
#include "common/logging.hpp"
#include "peer/fan_out.hpp"
#include "peer/messages.hpp"

namespace sysdist::ca {


namespace {
Batch record_batch(const Txn& txn) { return Batch{{Keyspace::txn, txn.id, encode(txn)}}; }

long long age_ms(Clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count();
}
}  // namespace

Participant::Participant(const ModeContext& context, std::shared_ptr<spdlog::logger> log)
    : context_(context), log_(std::move(log)) {}

std::vector<Txn> Participant::recover() {
  std::vector<Txn> in_doubt;
  context_.store.for_each(Keyspace::txn, [&](std::string_view, std::string_view record) {
    auto txn = decode(record);
    if (!txn || txn->state != TxnState::prepared) return;
    locks_.try_lock(txn->key, txn->id);
    prepared_[txn->id] = Prepared{*txn, Clock::now()};
    in_doubt.push_back(*txn);
  });
  for (const auto& txn : in_doubt)
    log_->warn("txn {}: found prepared after restart (key '{}'), in doubt until decided", txn.id, preview(txn.key));
  return in_doubt;
}

std::optional<TxnState> Participant::recorded_state(const std::string& id) const {
  if (auto it = prepared_.find(id); it != prepared_.end()) return TxnState::prepared;
  if (auto record = context_.store.get(Keyspace::txn, id))
    if (auto txn = decode(*record)) return txn->state;
  return std::nullopt;
}

asio::awaitable<VoteResult> Participant::prepare(Txn txn) {
  auto vote = lock_for(txn);
  if (!vote.yes || !vote.needs_record) co_return vote;
  co_return co_await record_prepared(txn.id);
}

VoteResult Participant::lock_for(Txn txn) {
  // A yes vote always means a durable prepared record and a held lock.
  if (auto it = prepared_.find(txn.id); it != prepared_.end()) {
    const auto& held = it->second.txn;
    if (held.key != txn.key || held.value != txn.value || held.coordinator != txn.coordinator)
      return VoteResult{false, "transaction id " + txn.id + " is taken by another prepared transaction"};
    if (it->second.deciding) return VoteResult{false, "transaction " + txn.id + " is being decided"};
    return VoteResult{true, "", true};  // a repeated proposal: the same answer, once its record is durable
  }
  if (auto record = context_.store.get(Keyspace::txn, txn.id)) {
    // A decided id stays decided (a late proposal votes no: presumed abort depends on it),
    // except that a hand-made proposal may reuse a hand-made id (bin/propose.sh always
    // sends "1"): that starts a new transaction, which commit and rollback by id then address.
    auto decided = decode(*record);
    const bool hand_made_again = decided && decided->coordinator.empty() && txn.coordinator.empty();
    if (!hand_made_again)
      return VoteResult{false, "transaction " + txn.id + " is already " +
                                   (decided ? state_name(decided->state) : "recorded")};
  }
  if (!locks_.try_lock(txn.key, txn.id)) {
    auto holder = locks_.holder(txn.key).value_or("?");
    vote_steps_.step([&] {
      return fmt::format("txn {}: vote NO, key '{}' is locked by txn {}", txn.id, preview(txn.key), holder);
    });
    emit_vote(txn.id, txn.key, false, "locked by " + holder);
    return VoteResult{false, "key '" + preview(txn.key) + "' is locked by transaction " + holder};
  }
  txn.state = TxnState::prepared;
  const auto id = txn.id;
  prepared_[id] = Prepared{std::move(txn), Clock::now()};
  return VoteResult{true, "", true};
}

asio::awaitable<VoteResult> Participant::record_prepared(std::string id, Durability durability) {
  auto it = prepared_.find(id);
  if (it == prepared_.end()) co_return VoteResult{false, "transaction " + id + " was aborted"};
  const Txn txn = it->second.txn;
  auto batch = record_batch(txn);
  co_await context_.store.commit(std::move(batch), durability);
  if (!prepared_.contains(id))  // rolled back while the record was being written
    co_return VoteResult{false, "transaction " + id + " was aborted"};
  vote_steps_.step([&] {
    return fmt::format("txn {}: prepared {}='{}' (coordinator {}), vote YES", id, preview(txn.key),
                       preview(txn.value.value_or("<delete>")),
                       txn.coordinator.empty() ? "none: hand-made" : txn.coordinator);
  });
  emit_vote(id, txn.key, true, "prepared");
  co_return VoteResult{true, ""};
}

asio::awaitable<Decided> Participant::commit(const std::string& id, Durability durability) {
  co_return co_await decide(id, TxnState::committed, durability);
}
asio::awaitable<Decided> Participant::rollback(const std::string& id, Durability durability) {
  co_return co_await decide(id, TxnState::aborted, durability);
}

asio::awaitable<Decided> Participant::decide(const std::string& id, TxnState decision, Durability durability) {
  auto it = prepared_.find(id);
  if (it == prepared_.end()) {
    auto recorded = recorded_state(id);
    if (recorded || decision == TxnState::committed) co_return recorded;  // decided before, or nothing to commit
    Txn unknown{id, "", std::nullopt, "", TxnState::aborted};             // so a late proposal votes no
    auto batch = record_batch(unknown);
    co_await context_.store.commit(std::move(batch));
    co_return TxnState::aborted;
  }
  if (it->second.deciding) co_return decision;  // the same decision is already being written
  it->second.deciding = true;
  Txn txn = it->second.txn;
  txn.state = decision;
  Batch batch;
  if (decision == TxnState::committed) batch.push_back({Keyspace::data, txn.key, txn.value});
  txn.value.reset();  // decided records keep no value
  batch.push_back({Keyspace::txn, txn.id, encode(txn)});
  if (txn.coordinator.empty()) durability = Durability::durable;  // hand-made: nobody else to ask
  co_await context_.store.commit(std::move(batch), durability);
  prepared_.erase(id);
  locks_.unlock(txn.key, id);
  decision_steps_.step([&] {
    return fmt::format("txn {}: {} key '{}'", id, decision == TxnState::committed ? "COMMITTED" : "ROLLED BACK",
                       preview(txn.key));
  });
  context_.emit("decided", [&] {
    return boost::json::object{{"id", id}, {"key", preview(txn.key)}, {"decision", state_name(decision)}};
  });
  co_return decision;
}

asio::awaitable<bool> Participant::sync_decided(const std::vector<std::string>& ids) {
  for (const auto& id : ids)
    if (prepared_.contains(id)) co_return false;  // a decision lost in a crash: still to be asked
  // The write-ahead log is one stream: this synced write covers every decision before it.
  Batch batch{{Keyspace::meta, "ca/synced", std::to_string(ids.size())}};
  co_await context_.store.commit(std::move(batch));
  co_return true;
}

asio::awaitable<void> Participant::forget(const std::vector<std::string>& ids) {
  Batch batch;
  for (const auto& id : ids) {
    if (prepared_.contains(id)) continue;
    auto record = context_.store.get(Keyspace::txn, id);
    auto txn = record ? decode(*record) : std::nullopt;
    if (txn && txn->state != TxnState::prepared) batch.push_back({Keyspace::txn, id, std::nullopt});
  }
  // Losing these deletes in a crash only leaves records behind: no sync of their own.
  if (!batch.empty()) co_await context_.store.commit(std::move(batch), Durability::ordered);
}

asio::awaitable<TxnState> Participant::state_for_peer(const std::string& id) {
  if (auto state = recorded_state(id)) co_return *state;
  auto decided = co_await decide(id, TxnState::aborted);
  co_return decided.value_or(TxnState::aborted);
}

asio::awaitable<void> Participant::resolve_in_doubt(std::chrono::milliseconds min_age) {
  std::vector<Prepared> doubtful;
  for (const auto& [id, p] : prepared_)
    if (!p.deciding && Clock::now() - p.since >= min_age) doubtful.push_back(p);
  const auto self = context_.config.membership.me().address();
  for (const auto& p : doubtful) {
    const auto& txn = p.txn;
    if (!prepared_.contains(txn.id) || txn.coordinator == self) continue;  // decided, or our own flow decides
    if (txn.coordinator.empty()) {
      if (Clock::now() - p.since < context_.config.in_doubt_timeout) continue;
      log_->warn("txn {}: hand-made proposal got no commit or rollback in {} ms, aborting", txn.id,
                 context_.config.in_doubt_timeout.count());
      co_await rollback(txn.id);
      continue;
    }
    auto outcome = co_await ask_peers(txn);
    if (!prepared_.contains(txn.id)) continue;  // decided while we asked: the answers are stale
    context_.emit("in_doubt", [&] {
      return boost::json::object{{"id", txn.id}, {"key", preview(txn.key)}, {"age_ms", age_ms(p.since)},
                                 {"learned", outcome ? state_name(*outcome) : "nothing yet"}};
    });
    if (!outcome) {
      log_->warn("txn {}: still in doubt after {} ms (no node knows the decision yet)", txn.id, age_ms(p.since));
      continue;
    }
    log_->info("txn {}: learned the decision while in doubt: {}", txn.id, state_name(*outcome));
    co_await decide(txn.id, *outcome);
  }
}

// Asks the coordinator, then (cooperative termination) every other participant.
asio::awaitable<std::optional<TxnState>> Participant::ask_peers(const Txn& txn) {
  const auto& membership = context_.config.membership;
  const PeerRequest question{"GET", "/2pc/txn/" + txn.id, ""};
  auto decision_in = [](const PeerResult& r) -> std::optional<TxnState> {
    if (!r.answered_ok()) return std::nullopt;
    auto message = parse_message<TxnStateMessage>(r.reply.body);
    if (!message) return std::nullopt;
    auto state = parse_state(message->state);
    if (state == TxnState::prepared) return std::nullopt;
    return state;
  };
  const auto coordinator = membership.find(txn.coordinator);
  std::vector<std::size_t> others;
  for (auto peer : membership.others())
    if (peer != coordinator) others.push_back(peer);
  if (coordinator < membership.size()) {
    auto answer = co_await context_.transport.call(coordinator, question, context_.config.rpc_timeout);
    if (answer.answered_ok()) co_return decision_in(answer);  // it knows, or is still deciding
    log_->info("txn {}: coordinator {} unreachable, asking the other participants", txn.id, txn.coordinator);
  }
  // The decision may have come while the coordinator did not answer; once everyone has
  // forgotten it, a question would only make the others record a presumed abort.
  if (!prepared_.contains(txn.id)) co_return std::nullopt;
  auto decides = [&](const PeerResult& r) { return decision_in(r).has_value(); };
  auto answers = co_await call_all(context_.transport, others, question, context_.config.rpc_timeout, decides);
  for (const auto& answer : answers)
    if (auto state = decision_in(answer)) co_return state;
  co_return std::nullopt;
}

void Participant::emit_vote(const std::string& id, const std::string& key, bool yes, const std::string& why) const {
  context_.emit("vote", [&] {
    return boost::json::object{{"id", id}, {"key", preview(key)}, {"vote", yes ? "yes" : "no"}, {"why", why}};
  });
}

std::optional<std::string> Participant::read(const std::string& key) const {
  return context_.store.get(Keyspace::data, key);
}

boost::json::array Participant::prepared_view() const {
  boost::json::array view;
  for (const auto& [id, p] : prepared_) {
    boost::json::object entry;
    entry["id"] = id;
    entry["key"] = p.txn.key;
    entry["coordinator"] = p.txn.coordinator;
    entry["age_ms"] = age_ms(p.since);
    view.push_back(std::move(entry));
  }
  return view;
}

}  // namespace sysdist::ca
