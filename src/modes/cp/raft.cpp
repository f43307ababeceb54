#include "modes/cp/raft.hpp"

#include <boost/json.hpp>

#include "common/net.hpp"
#include "modes/cp/command.hpp"
#include "modes/cp/log_storage.hpp"
#include "common/logging.hpp"

namespace sysdist::cp {

namespace json = boost::json;

const char* role_name(Role role) {
  switch (role) {
    case Role::follower:
      return "follower";
    case Role::candidate:
      return "candidate";
    case Role::leader:
      return "leader";
  }
  return "?";
}

Raft::Raft(const ModeContext& context, std::shared_ptr<spdlog::logger> log)
    : context_(context),
      log_(std::move(log)),
      random_(context.seed ^ (context.config.membership.self * 7919 + context.incarnation)) {
  reset_election_deadline();
}

void Raft::recover() {
  auto& store = context_.store;
  if (auto t = store.get(Keyspace::meta, "raft/term")) term_ = std::stoull(*t);
  if (auto v = store.get(Keyspace::meta, "raft/vote"); v && !v->empty()) voted_for_ = std::stoull(*v);
  if (auto a = store.get(Keyspace::meta, "raft/applied")) applied_ = std::stoull(*a);
  if (auto i = store.get(Keyspace::meta, "raft/snapshot_index")) {
    auto t = store.get(Keyspace::meta, "raft/snapshot_term");
    log_entries_.reset(std::stoull(*i), t ? std::stoull(*t) : 0);
  }
  store.for_each(Keyspace::raft_log, [&](std::string_view key, std::string_view text) {
    if (std::stoull(std::string(key)) <= log_entries_.snapshot_index()) return;  // compaction not finished
    if (auto entry = entry_from_storage(text)) log_entries_.append(std::move(*entry));
  });
  persisted_ = log_entries_.last_index();
  commit_ = applied_;
  log_->info("raft: recovered term {}, {} log entries, applied up to {}", term_, log_entries_.last_index(), applied_);
}

void Raft::start(asio::any_io_executor executor) {
  executor_ = executor;
  asio::co_spawn(executor_, run_elections(), asio::bind_cancellation_slot(stop_signal_.slot(), log_failure("raft")));
  spawn(apply_loop(), "raft apply");
  spawn(forward_reads_loop(), "raft forwarded reads");
}

void Raft::stop() {
  stop_signal_.emit(asio::cancellation_type::terminal);
  stopped_ = true;
  role_ = Role::follower;  // every loop ends on its next turn
  changed();
}

void Raft::spawn(asio::awaitable<void> task, const char* what) {
  asio::co_spawn(executor_, std::move(task), log_failure(what));
}

void Raft::changed() {
  changed_.notify();
  replicators_.notify();
}

asio::awaitable<bool> Raft::wait_until(std::function<bool()> done, Clock::time_point deadline) {
  co_return co_await changed_.wait_until(std::move(done), deadline);
}

asio::awaitable<void> Raft::become_follower(std::uint64_t term, std::optional<std::size_t> leader) {
  const bool new_term = term > term_;
  const bool was_leader = role_ == Role::leader;
  if (new_term) {
    term_ = term;
    voted_for_.reset();
  }
  if (role_ == Role::leader) log_->warn("term {}: stepping down", term_);
  role_ = Role::follower;
  if (leader && leader != leader_) log_->info("term {}: following node {}", term_, *leader + 1);
  const bool told = !new_term && !was_leader && leader == leader_;
  leader_ = leader;
  progress_.clear();
  last_ack_.clear();
  if (!told) emit_role(was_leader ? "stepped down" : new_term ? "saw a higher term" : "found the leader");
  changed();  // the leader's loops of the old term end
  if (new_term) co_await persist_term_and_vote();
  // A follower's entries are durable (it acknowledges them as such): sync what it wrote leading.
  if (was_leader && written_ > persisted_) co_await sync_written();
}

void Raft::become_leader() {
  const auto& membership = context_.config.membership;
  role_ = Role::leader;
  leader_ = membership.self;
  written_ = persisted_;
  handed_to_storage_ = log_entries_.last_index();  // a follower's writes, already queued
  log_->info("term {}: LEADER", term_);
  emit_role("won the election");
  for (auto peer : membership.others()) {
    progress_.emplace(peer, Progress(log_entries_.last_index(), context_.config.appends_in_flight));
    last_ack_[peer] = Clock::now();
  }
  // An entry of the new term lets earlier entries commit (5.4.2) and anchors ReadIndex.
  log_entries_.append(Entry{term_, encode(Command{})});
  // The loops of this term; each ends by itself when this node stops leading it.
  for (auto peer : membership.others()) spawn(replicate(peer, term_), "raft replication");
  spawn(persist_loop(term_), "raft persist");
  spawn(sync_loop(term_), "raft sync");
  spawn(confirm_reads_loop(term_), "raft read index");
  changed();
}

asio::awaitable<Result> Raft::propose(std::string command) {
  if (role_ != Role::leader) co_return Result::fail(Outcome::unavailable, "not_leader", "This node is not the leader");
  const auto key = std::pair{log_entries_.append(Entry{term_, std::move(command)}), term_};
  proposals_[key];
  changed();  // written by the persist loop while the replicators send it
  const auto deadline = Clock::now() + 2 * context_.config.election_timeout_max + context_.config.rpc_timeout;
  std::function<bool()> decided = [this, key] { return proposals_.at(key).has_value(); };
  co_await wait_until(std::move(decided), deadline);  // decided by the apply loop
  auto outcome = std::move(proposals_.at(key));
  proposals_.erase(key);
  if (outcome) co_return std::move(*outcome);
  co_return Result::fail(Outcome::unknown, "commit_timeout",
                         "The write was appended but not known committed in time; it may still apply");
}

asio::awaitable<bool> Raft::wait_applied(std::uint64_t index, Clock::time_point deadline) {
  std::function<bool()> applied = [this, index] { return applied_ >= index; };
  co_return co_await wait_until(std::move(applied), deadline);
}

void Raft::emit_role(std::string_view why) const {
  context_.emit("role", [&] {
    return json::object{{"role", role_name(role_)},
                        {"term", term_},
                        {"leader", leader_ ? json::value(*leader_ + 1) : json::value(nullptr)},
                        {"why", why}};
  });
}

// How many of the last log indexes status() shows.
constexpr std::uint64_t log_tail = 20;

json::object Raft::status() const {
  json::object status{{"role", role_name(role_)},
                      {"term", term_},
                      {"leader", leader_ ? json::value(*leader_ + 1) : json::value(nullptr)},
                      {"commit_index", commit_},
                      {"applied_index", applied_},
                      {"last_index", log_entries_.last_index()},
                      {"snapshot_index", log_entries_.snapshot_index()},
                      {"read_index_rounds", read_index_rounds_}};
  // The terms of the last few indexes (the dashboard's log strip).
  json::array tail;
  const auto last = log_entries_.last_index();
  for (auto index = last > log_tail ? last - log_tail + 1 : 1; index <= last; ++index)
    tail.push_back(log_entries_.term_at(index) ? json::value(*log_entries_.term_at(index)) : json::value(nullptr));
  status["log_tail"] = std::move(tail);
  if (role_ != Role::leader) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(election_deadline_ - Clock::now()).count();
    status["election_in_ms"] = std::max<long long>(ms, 0);
  }
  json::array followers;
  for (auto& [peer, p] : progress_)
    followers.push_back(json::object{{"node", peer + 1}, {"match_index", p.match()}, {"next_index", p.next()}});
  if (role_ == Role::leader) status["followers"] = std::move(followers);
  return status;
}

}  // namespace sysdist::cp
