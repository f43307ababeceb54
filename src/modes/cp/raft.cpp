#include "modes/cp/raft.hpp"

#include <cstdio>

#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/json.hpp>

#include "common/clock.hpp"
#include "common/limits.hpp"
#include "common/net.hpp"
#include "modes/cp/command.hpp"
#include "peer/frames.hpp"
#include "node/logging.hpp"
#include "peer/fan_out.hpp"

namespace sysdist::cp {

namespace json = boost::json;

namespace {
// How long a leader whose followers answer waits for their acknowledgements before it syncs
// its own copy to commit with its vote: about a replication round under load.
constexpr std::chrono::milliseconds leader_sync_grace{5};

std::string index_key(std::uint64_t index) {
  char text[24];
  std::snprintf(text, sizeof text, "%020llu", static_cast<unsigned long long>(index));
  return text;
}
// A log entry as stored: "<term>\n<command>" (logs written before held JSON {"term","cmd"}).
std::string stored_entry(const Entry& e) { return std::to_string(e.term) + "\n" + e.command; }
std::optional<Entry> entry_from_storage(std::string_view text) {
  if (text.starts_with('{')) {
    boost::system::error_code ec;
    auto v = json::parse(text, ec);
    auto* cmd = ec || !v.is_object() ? nullptr : v.as_object().if_contains("cmd");
    auto* term = ec || !v.is_object() ? nullptr : v.as_object().if_contains("term");
    if (!cmd || !cmd->is_string() || !term || !term->is_uint64()) return std::nullopt;
    return Entry{term->as_uint64(), std::string(cmd->as_string())};
  }
  const auto newline = text.find('\n');
  std::uint64_t term = 0;
  if (newline == std::string_view::npos || !parse_number(text.substr(0, newline), term)) return std::nullopt;
  return Entry{term, std::string(text.substr(newline + 1))};
}
// The log entries from..to as storage writes.
void add_entries(Batch& batch, const RaftLog& log, std::uint64_t from, std::uint64_t to) {
  for (auto index = from; index <= to; ++index)
    batch.push_back({Keyspace::raft_log, index_key(index), stored_entry(log.at(index))});
}
}  // namespace

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
    : context_(context), log_(std::move(log)), random_(context.seed ^ (context.config.membership.self * 7919 + context.incarnation)) {
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
  asio::co_spawn(executor_, run(), asio::bind_cancellation_slot(stop_signal_.slot(), log_failure("raft")));
}

void Raft::stop() {
  stop_signal_.emit(asio::cancellation_type::terminal);
  role_ = Role::follower;  // replication loops end on their next turn
  wake_replicators();
}

void Raft::reset_election_deadline() {
  const auto min = context_.config.election_timeout_min.count(), max = context_.config.election_timeout_max.count();
  election_deadline_ = Clock::now() + std::chrono::milliseconds(std::uniform_int_distribution<long>(min, max)(random_));
}

bool Raft::heard_from_leader_recently() const {
  return role_ == Role::leader ||
         (leader_ && Clock::now() - last_leader_contact_ < context_.config.election_timeout_min);
}

asio::awaitable<void> Raft::run() {
  Timer tick(executor_);
  auto became_leader_at = Clock::now();
  bool was_leader = false;
  for (;;) {
    tick.expires_after(context_.config.heartbeat_interval / 2);
    co_await tick.async_wait(asio::use_awaitable);
    const auto now = Clock::now();
    if (role_ == Role::leader) {
      if (!was_leader) became_leader_at = now, was_leader = true;
      // CheckQuorum: a leader that has not heard from a majority for an election timeout steps down.
      std::size_t in_touch = 1;
      for (auto& [peer, at] : last_ack_)
        if (now - at < context_.config.election_timeout_max) ++in_touch;
      if (in_touch <= context_.config.membership.size() / 2 &&
          now - became_leader_at > context_.config.election_timeout_max) {
        log_->warn("term {}: CheckQuorum failed (only {} of {} in touch), stepping down", term_, in_touch,
                   context_.config.membership.size());
        co_await become_follower(term_, std::nullopt);
      }
      continue;
    }
    was_leader = false;
    if (now >= election_deadline_ && !campaigning_) co_await campaign();
  }
}

asio::awaitable<void> Raft::campaign() {
  campaigning_ = true;
  reset_election_deadline();
  // PreVote: only a node that could win disturbs the cluster with a new term.
  const bool could_win = co_await poll(true, term_ + 1);
  if (!could_win || role_ == Role::leader || heard_from_leader_recently()) {
    campaigning_ = false;
    co_return;
  }
  ++term_;
  role_ = Role::candidate;
  leader_.reset();
  voted_for_ = context_.config.membership.self;
  const auto term = term_;
  co_await persist_term_and_vote();
  log_->info("term {}: election timeout, candidate, asking for votes", term);
  const bool won = co_await poll(false, term);
  if (won && role_ == Role::candidate && term_ == term) become_leader();
  campaigning_ = false;
}

asio::awaitable<bool> Raft::poll(bool pre_vote, std::uint64_t term) {
  const auto& membership = context_.config.membership;
  const VoteRequest ask{term, membership.self, log_entries_.last_index(), log_entries_.last_term()};
  PeerRequest request{"POST", pre_vote ? "/raft/prevote" : "/raft/vote", to_body(ask)};
  const auto majority = membership.size() / 2 + 1;
  std::size_t granted = 1;  // our own
  std::uint64_t higher_term = 0;
  auto enough = [&](const PeerResult& r) {
    if (!r.answered_ok()) return false;
    auto reply = parse_vote_reply(r.reply.body);
    if (!reply) return false;
    if (reply->term > term_ && !pre_vote) higher_term = std::max(higher_term, reply->term);
    if (reply->granted) ++granted;
    return granted >= majority || higher_term > 0;
  };
  DecisiveReply decisive = enough;
  co_await call_all(context_.transport, membership.others(), request, context_.config.rpc_timeout, decisive);
  if (higher_term > term_) {
    co_await become_follower(higher_term, std::nullopt);
    co_return false;
  }
  if (!pre_vote && granted >= majority) log_->info("term {}: won the election with {} votes", term, granted);
  co_return granted >= majority;
}

asio::awaitable<VoteReply> Raft::on_pre_vote(const VoteRequest& request) {
  const bool granted = request.term > term_ && !heard_from_leader_recently() &&
                       candidate_log_is_up_to_date(request.last_term, request.last_index, log_entries_);
  co_return VoteReply{term_, granted};
}

asio::awaitable<VoteReply> Raft::on_vote(const VoteRequest& request) {
  const auto term = request.term;
  const auto candidate = request.candidate;
  // A node that hears from a live leader ignores candidates: a returning node cannot depose it.
  if (term < term_ || heard_from_leader_recently()) co_return VoteReply{term_, false};
  if (term > term_) co_await become_follower(term, std::nullopt);
  if (term_ != term) co_return VoteReply{term_, false};
  const bool granted = (!voted_for_ || *voted_for_ == candidate) &&
                       candidate_log_is_up_to_date(request.last_term, request.last_index, log_entries_);
  if (granted) {
    voted_for_ = candidate;
    reset_election_deadline();
    co_await persist_term_and_vote();  // the vote is durable before it is given
    log_->info("term {}: voted for node {}", term, candidate + 1);
  }
  co_return VoteReply{term_, granted && term_ == term};
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
  leader_ = leader;
  progress_.clear();
  last_ack_.clear();
  wake_replicators();
  wake_waiters();
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
  for (auto peer : membership.others()) {
    progress_.emplace(peer, Progress(log_entries_.last_index(), context_.config.appends_in_flight));
    last_ack_[peer] = Clock::now();
  }
  // An entry of the new term lets earlier entries commit (5.4.2) and anchors ReadIndex.
  log_entries_.append(Entry{term_, encode(Command{})});
  persist_new_entries_soon();
  // Each replicator ends by itself when this node stops leading this term.
  for (auto peer : membership.others())
    asio::co_spawn(executor_, replicate(peer, term_), log_failure("raft replication"));
}

asio::awaitable<void> Raft::replicate(std::size_t peer, std::uint64_t term) {
  Timer wait(executor_);
  auto next_heartbeat = Clock::now();
  while (role_ == Role::leader && term_ == term) {
    auto it = progress_.find(peer);
    if (it == progress_.end()) co_return;
    auto& progress = it->second;
    const bool heartbeat_due = Clock::now() >= next_heartbeat;
    if (heartbeat_due) progress.resume();
    const bool behind = progress.next() <= log_entries_.last_index();
    if (heartbeat_due && !progress.can_send()) {  // the window is held by appends in flight
      next_heartbeat = Clock::now() + context_.config.heartbeat_interval;
      asio::co_spawn(executor_, heartbeat(peer, term), log_failure("raft heartbeat"));
      continue;
    }
    if (progress.can_send() && (behind || heartbeat_due)) {
      next_heartbeat = Clock::now() + context_.config.heartbeat_interval;
      if (progress.next() <= log_entries_.snapshot_index()) {
        co_await send_snapshot(peer, term);  // one at a time: it is big
        continue;
      }
      // Pipelining: while the follower keeps matching, several AppendEntries are in flight
      // (Progress bounds how many); each answer wakes this loop to send the next.
      auto append = next_append(progress, term);
      asio::co_spawn(executor_, append_and_wake(peer, term, std::move(append)), log_failure("raft append"));
      continue;
    }
    // Sleep until a new entry or an answer arrives, or the next heartbeat is due (a heartbeat
    // due while the window is full waits for an answer, or one more interval).
    auto wake_at = next_heartbeat;
    if (wake_at <= Clock::now()) wake_at = Clock::now() + context_.config.heartbeat_interval;
    wait.expires_at(wake_at);
    auto waker = replicator_wakers_.insert(replicator_wakers_.end(), [&wait] { wait.cancel(); });
    co_await wait.async_wait(use_tuple);
    replicator_wakers_.erase(waker);
  }
}

asio::awaitable<bool> Raft::heartbeat(std::size_t peer, std::uint64_t term) {
  auto it = progress_.find(peer);
  if (role_ != Role::leader || term_ != term || it == progress_.end()) co_return false;
  const auto match = it->second.match();
  const AppendHeader header{term, context_.config.membership.self, match, log_entries_.term_at(match).value_or(0),
                            std::min(commit_, match)};
  std::size_t none = 0;
  PeerRequest request{"POST", "/raft/append", append_body(header, log_entries_, log_entries_.last_index() + 1, none, 0)};
  auto result = co_await context_.transport.call(peer, std::move(request), context_.config.rpc_timeout);
  if (role_ != Role::leader || term_ != term) co_return false;
  auto reply = result.answered_ok() ? parse_append_reply(result.reply.body) : std::nullopt;
  if (!reply) co_return false;
  if (reply->term > term_) {
    co_await become_follower(reply->term, std::nullopt);
    co_return false;
  }
  last_ack_[peer] = Clock::now();  // it answered in this term, whatever it says of its log
  co_return true;
}

asio::awaitable<void> Raft::append_and_wake(std::size_t peer, std::uint64_t term, Append append) {
  co_await await_append(peer, term, std::move(append));
  wake_replicators();
}

asio::awaitable<std::optional<AppendReply>> Raft::call_follower(std::size_t peer, std::uint64_t term,
                                                                PeerRequest request, std::uint64_t last_sent,
                                                                std::chrono::milliseconds timeout) {
  auto result = co_await context_.transport.call(peer, std::move(request), timeout);
  if (role_ != Role::leader || term_ != term) co_return std::nullopt;  // things changed while we waited
  auto reply = result.answered_ok() ? parse_append_reply(result.reply.body) : std::nullopt;
  if (reply && reply->success && reply->match > last_sent) reply.reset();  // it cannot hold what we did not send
  if (!reply) {
    if (auto it = progress_.find(peer); it != progress_.end()) it->second.failed();
    co_return std::nullopt;
  }
  if (reply->term > term_) {
    co_await become_follower(reply->term, std::nullopt);
    co_return std::nullopt;
  }
  last_ack_[peer] = Clock::now();
  co_return reply;
}

Raft::Append Raft::next_append(Progress& progress, std::uint64_t term) {
  const auto prev_index = progress.next() - 1;
  const AppendHeader header{term, context_.config.membership.self, prev_index,
                            log_entries_.term_at(prev_index).value_or(0), commit_};
  std::size_t count = 0;
  auto body = append_body(header, log_entries_, prev_index + 1, count, limits::max_peer_body_bytes);
  progress.sent(prev_index + count);
  return Append{PeerRequest{"POST", "/raft/append", std::move(body)}, prev_index + count};
}

asio::awaitable<bool> Raft::await_append(std::size_t peer, std::uint64_t term, Append append) {
  auto reply =
      co_await call_follower(peer, term, std::move(append.request), append.last, context_.config.rpc_timeout);
  auto it = progress_.find(peer);
  if (!reply || it == progress_.end()) co_return false;
  if (reply->success) {
    it->second.acknowledged(reply->match);
    advance_commit();
  } else {
    it->second.rejected(Conflict{reply->conflict_term, reply->conflict_index}, log_entries_);
  }
  co_return true;
}

asio::awaitable<AppendReply> Raft::on_append(const AppendRequest& request) {
  const auto term = request.header.term;
  auto refuse = [this](std::uint64_t conflict_term = 0, std::uint64_t conflict_index = 0) {
    return AppendReply{term_, false, 0, conflict_term, conflict_index};
  };
  if (term < term_) co_return refuse();
  const auto leader = static_cast<std::size_t>(request.header.leader);
  if (term > term_ || role_ != Role::follower || leader_ != leader) co_await become_follower(term, leader);
  if (term_ != term) co_return refuse();
  last_leader_contact_ = Clock::now();
  reset_election_deadline();

  const auto& entries = request.entries;
  const auto prev_index = request.header.prev_index;
  if (prev_index > log_entries_.last_index()) {
    // Pipelined appends travel on several connections and may overtake each other: give
    // the one just before this a moment to arrive instead of sending the leader back.
    std::function<bool()> gap_filled = [&] { return log_entries_.last_index() >= prev_index || term_ != term; };
    co_await wait_until(std::move(gap_filled), Clock::now() + context_.config.heartbeat_interval);
    if (term_ != term) co_return refuse();
  }
  const auto old_last = log_entries_.last_index();
  auto accepted = log_entries_.accept(prev_index, request.header.prev_term, entries);
  if (!accepted.ok) co_return refuse(accepted.conflict.term, accepted.conflict.index);
  if (accepted.first_new <= log_entries_.last_index()) wake_waiters();  // an overtaking append may go on
  const auto last_new = request.last();
  if (accepted.first_new <= log_entries_.last_index() || old_last > log_entries_.last_index()) {
    persisted_ = std::min(persisted_, accepted.first_new - 1);  // a truncated suffix is not ours any more
    co_await persist_entries(accepted.first_new, old_last);     // durable before we acknowledge
  }
  if (term_ != term) co_return refuse();
  if (persisted_ < last_new && accepted.first_new > last_new) {
    // Nothing new here, but an earlier append of these entries may still be on its way to
    // disk (a retry after a timeout, or pipelining): acknowledge only once it is durable.
    // Refuse before the leader gives up on this call, so that a slow or full disk still
    // lets the leader hear from us (CheckQuorum, ReadIndex) instead of losing its majority.
    std::function<bool()> durable = [&] { return persisted_ >= last_new || term_ != term; };
    co_await wait_until(std::move(durable), Clock::now() + context_.config.rpc_timeout / 2);
    if (term_ != term || persisted_ < last_new) co_return refuse();
  }
  // Appends of one term never truncate each other, so what this one wrote is still there;
  // group commit is FIFO, so every earlier append's entries are durable too.
  if (persisted_ < last_new) {
    persisted_ = std::min(last_new, log_entries_.last_index());
    wake_waiters();
  }
  const auto leader_commit = request.header.commit;
  if (leader_commit > commit_) {
    commit_ = std::max(commit_, std::min(leader_commit, last_new));
    asio::co_spawn(executor_, apply_committed(), log_failure("raft apply"));
  }
  co_return AppendReply{term_, true, last_new};
}

asio::awaitable<void> Raft::persist_term_and_vote() {
  Batch batch{{Keyspace::meta, "raft/term", std::to_string(term_)},
              {Keyspace::meta, "raft/vote", voted_for_ ? std::to_string(*voted_for_) : std::string()}};
  co_await context_.store.commit(std::move(batch));
}

asio::awaitable<void> Raft::persist_entries(std::uint64_t from, std::uint64_t old_last) {
  Batch batch;
  for (auto index = log_entries_.last_index() + 1; index <= old_last; ++index)  // a truncated suffix
    batch.push_back({Keyspace::raft_log, index_key(index), std::nullopt});
  add_entries(batch, log_entries_, from, log_entries_.last_index());
  co_await context_.store.commit(std::move(batch));
}

void Raft::persist_new_entries_soon() {
  if (persist_scheduled_) return;
  persist_scheduled_ = true;
  asio::co_spawn(executor_, leader_persist(), log_failure("raft persist"));
}

asio::awaitable<void> Raft::leader_persist() {
  // Entries proposed during this turn of the event loop are written together.
  co_await asio::post(executor_, asio::use_awaitable);
  persist_scheduled_ = false;
  if (role_ != Role::leader || handed_to_storage_ >= log_entries_.last_index()) co_return;
  const auto term = term_;
  // While a majority of followers answer, their synced copies commit the entries (Raft
  // thesis 10.2.1) and the leader's own write needs no fsync on the way; it syncs later only
  // if its vote turns out to be needed (advance_commit).
  const auto durability = followers_can_commit_alone() ? Durability::ordered : Durability::durable;
  const auto up_to = log_entries_.last_index();
  Batch batch;
  add_entries(batch, log_entries_, handed_to_storage_ + 1, up_to);
  handed_to_storage_ = up_to;
  co_await context_.store.commit(std::move(batch), durability);
  if (log_entries_.term_at(up_to) != term) co_return;
  written_ = std::max(written_, up_to);
  if (durability == Durability::durable) persisted_ = std::max(persisted_, up_to);
  wake_waiters();
  advance_commit();
}

bool Raft::followers_can_commit_alone() const {
  const auto now = Clock::now();
  std::size_t answering = 0;
  for (auto& [peer, at] : last_ack_)
    if (now - at < 2 * context_.config.heartbeat_interval) ++answering;
  return answering >= context_.config.membership.size() / 2 + 1;
}

std::uint64_t Raft::commit_with_own_copy_at(std::uint64_t own) const {
  std::vector<std::uint64_t> matches{own};
  for (auto& [peer, p] : progress_) matches.push_back(p.match());
  return commit_index_for(std::move(matches), term_, log_entries_, commit_);
}

bool Raft::own_vote_would_commit_more() const {
  return written_ > persisted_ && commit_with_own_copy_at(written_) > commit_;
}

void Raft::advance_commit() {
  if (role_ != Role::leader) return;
  const auto commit = commit_with_own_copy_at(persisted_);
  if (commit > commit_) {
    commit_ = commit;
    asio::co_spawn(executor_, apply_committed(), log_failure("raft apply"));
  }
  if (own_vote_would_commit_more() && !syncing_written_) {
    syncing_written_ = true;
    asio::co_spawn(executor_, sync_written_when_needed(term_), log_failure("raft sync"));
  }
}

asio::awaitable<void> Raft::sync_written_when_needed(std::uint64_t term) {
  // Followers that answer usually commit the entries within a round: give them that long.
  if (followers_can_commit_alone()) {
    Timer grace(executor_, leader_sync_grace);
    co_await grace.async_wait(use_tuple);
  }
  if (role_ == Role::leader && term_ == term && own_vote_would_commit_more()) co_await sync_written();
  syncing_written_ = false;
  advance_commit();
}

asio::awaitable<void> Raft::sync_written() {
  const auto up_to = written_;
  const auto term = log_entries_.term_at(up_to);
  // Any synced write makes every earlier one durable: the write-ahead log is one stream.
  Batch batch{{Keyspace::meta, "raft/synced", std::to_string(up_to)}};
  co_await context_.store.commit(std::move(batch));
  if (term && log_entries_.term_at(up_to) == term) persisted_ = std::max(persisted_, up_to);
  wake_waiters();
}

asio::awaitable<void> Raft::apply_committed() {
  if (applying_) co_return;
  applying_ = true;
  while (applied_ < commit_ && !installing_snapshot_) {
    const auto to = std::min(commit_, applied_ + 512);
    Batch batch;
    std::map<std::string, std::optional<std::string>> written;  // by earlier entries of this batch
    struct Decided {
      std::uint64_t index, term;
      bool condition_failed;
    };
    std::vector<Decided> decided;  // for the proposers of these entries, once the batch is written
    auto current = [&](const std::string& key) {
      auto it = written.find(key);
      return it != written.end() ? it->second : context_.store.get(Keyspace::data, key);
    };
    for (auto index = std::max(applied_, log_entries_.snapshot_index()) + 1; index <= to; ++index) {
      decided.push_back({index, log_entries_.at(index).term, false});
      auto command = decode_command(log_entries_.at(index).command);  // checked on arrival
      if (!command || command->op == Command::Op::noop) continue;
      const auto& key = command->key;
      std::optional<std::string> value;
      if (command->op != Command::Op::del) value = std::move(command->value);
      if (command->op == Command::Op::cas && current(key) != command->expected) {
        decided.back().condition_failed = true;  // a cas applies only over the expected value
        continue;
      }
      written[key] = value;
      batch.push_back({Keyspace::data, key, std::move(value)});
    }
    batch.push_back({Keyspace::meta, "raft/applied", std::to_string(to)});
    // No fsync of its own: the entries are durable in the log, and a crash that loses this
    // write loses "raft/applied" with it, so the node re-applies them after restart.
    co_await context_.store.commit(std::move(batch), Durability::ordered);
    for (auto& d : decided) decide_proposals(d.index, d.term, d.condition_failed);
    applied_ = std::max(applied_, to);  // an installed snapshot may have moved it further meanwhile
    wake_waiters();
    // Entries committed while compacting are applied by this loop: nothing else would
    // start it again until the next commit.
    if (applied_ >= commit_) co_await compact_if_due();
  }
  applying_ = false;
}

asio::awaitable<void> Raft::compact_if_due() {
  const auto from = log_entries_.snapshot_index();
  if (applied_ - from < context_.config.snapshot_entries) co_return;
  // Keep a tail of applied entries: a follower a little behind gets entries, not a snapshot.
  const auto tail = std::min<std::uint64_t>(1000, context_.config.snapshot_entries / 2);
  const auto index = applied_ - tail;
  const auto term = *log_entries_.term_at(index);
  // The data keyspace holds the state (at applied_): compaction only moves where the log starts.
  Batch batch{{Keyspace::meta, "raft/snapshot_index", std::to_string(index)},
              {Keyspace::meta, "raft/snapshot_term", std::to_string(term)}};
  for (auto i = from + 1; i <= index; ++i) batch.push_back({Keyspace::raft_log, index_key(i), std::nullopt});
  co_await context_.store.commit(std::move(batch));
  log_entries_.compact(index, term);
  log_->info("snapshot at index {} (term {}): dropped {} log entries", index, term, index - from);
}

asio::awaitable<bool> Raft::send_snapshot(std::size_t peer, std::uint64_t term) {
  // Read the state and its index together, with no suspension in between.
  SnapshotHeader header{term, context_.config.membership.self, applied_, log_entries_.term_at(applied_).value_or(0)};
  Pairs pairs;
  context_.store.for_each(Keyspace::data, [&](std::string_view k, std::string_view v) { pairs.emplace_back(k, v); });
  log_->info("term {}: node {} is behind the log's start, sending a snapshot at index {} ({} keys)", term, peer + 1,
             header.index, pairs.size());
  for (;;) {  // chunks of as many pairs as fit one message, at least one each
    std::size_t count = 0;
    auto body = snapshot_body(header, pairs, count, limits::max_peer_body_bytes);
    const bool last = header.offset + count >= pairs.size();
    PeerRequest request{"POST", "/raft/snapshot", std::move(body)};
    auto reply =
        co_await call_follower(peer, term, std::move(request), header.index, 4 * context_.config.rpc_timeout);
    auto it = progress_.find(peer);
    if (!reply || !reply->success || it == progress_.end()) co_return false;
    if (last) {
      it->second.sent(header.index);
      it->second.acknowledged(reply->match);
      co_return true;
    }
    header.offset += count;
  }
}

asio::awaitable<AppendReply> Raft::on_snapshot(const SnapshotChunk& chunk) {
  const auto& h = chunk.header;
  const auto term = h.term;
  if (term < term_) co_return AppendReply{term_, false};
  const auto leader = static_cast<std::size_t>(h.leader);
  if (term > term_ || role_ != Role::follower || leader_ != leader) co_await become_follower(term, leader);
  if (term_ != term) co_return AppendReply{term_, false};
  last_leader_contact_ = Clock::now();
  reset_election_deadline();
  if (h.offset == 0 || staged_index_ != h.index) {
    staged_.clear();
    staged_index_ = h.index;
  }
  if (h.offset != staged_.size()) co_return AppendReply{term_, false};  // a chunk missed: start again
  staged_.insert(staged_.end(), chunk.pairs.begin(), chunk.pairs.end());
  if (!h.done) co_return AppendReply{term_, true};
  if (h.index <= applied_) co_return AppendReply{term_, true, h.index};  // it holds that much already
  // Replace the whole state with the snapshot and start the log after it.
  Batch batch;
  context_.store.for_each(Keyspace::data, [&](std::string_view k, std::string_view) {
    batch.push_back({Keyspace::data, std::string(k), std::nullopt});
  });
  context_.store.for_each(Keyspace::raft_log, [&](std::string_view k, std::string_view) {
    batch.push_back({Keyspace::raft_log, std::string(k), std::nullopt});
  });
  for (auto& [k, v] : staged_) batch.push_back({Keyspace::data, k, v});
  batch.push_back({Keyspace::meta, "raft/applied", std::to_string(h.index)});
  batch.push_back({Keyspace::meta, "raft/snapshot_index", std::to_string(h.index)});
  batch.push_back({Keyspace::meta, "raft/snapshot_term", std::to_string(h.last_term)});
  const auto keys = staged_.size();
  staged_.clear();
  installing_snapshot_ = true;
  co_await context_.store.commit(std::move(batch));
  installing_snapshot_ = false;
  // Only now, with the state durable, do reads and the log move past the snapshot.
  log_entries_.reset(h.index, h.last_term);
  commit_ = std::max(commit_, h.index);
  applied_ = std::max(applied_, h.index);
  persisted_ = std::max(persisted_, h.index);
  // Commands proposed here up to the snapshot may or may not be in it: nobody can tell now.
  for (auto it = proposals_.begin(); it != proposals_.end() && it->first.first <= h.index; ++it)
    if (!it->second)
      it->second = Result::fail(Outcome::unknown, "commit_unknown",
                                "A snapshot replaced the log here before the write's outcome was known; it may have applied");
  if (applied_ < commit_) asio::co_spawn(executor_, apply_committed(), log_failure("raft apply"));
  log_->info("term {}: installed a snapshot at index {} ({} keys) from node {}", term_, h.index, keys, leader + 1);
  wake_waiters();
  co_return AppendReply{term_, true, h.index};
}

void Raft::wake_replicators() {
  for (auto& wake : replicator_wakers_) wake();
}
void Raft::wake_waiters() {
  for (auto& wake : state_waiters_) wake();
}

asio::awaitable<bool> Raft::wait_until(std::function<bool()> done, Clock::time_point deadline) {
  Timer wait(executor_);
  while (!done() && Clock::now() < deadline) {
    wait.expires_at(deadline);
    auto waker = state_waiters_.insert(state_waiters_.end(), [&wait] { wait.cancel(); });
    co_await wait.async_wait(use_tuple);
    state_waiters_.erase(waker);
  }
  co_return done();
}

asio::awaitable<bool> Raft::wait_applied(std::uint64_t index, Clock::time_point deadline) {
  std::function<bool()> applied = [this, index] { return applied_ >= index; };
  co_return co_await wait_until(std::move(applied), deadline);
}

asio::awaitable<Result> Raft::propose(std::string command) {
  if (role_ != Role::leader) co_return Result::fail(Outcome::unavailable, "not_leader", "This node is not the leader");
  const auto key = std::pair{log_entries_.append(Entry{term_, std::move(command)}), term_};
  proposals_[key];
  persist_new_entries_soon();  // in parallel with replication
  wake_replicators();
  const auto deadline = Clock::now() + 2 * context_.config.election_timeout_max + context_.config.rpc_timeout;
  std::function<bool()> decided = [this, key] { return proposals_.at(key).has_value(); };
  co_await wait_until(std::move(decided), deadline);
  auto outcome = std::move(proposals_.at(key));
  proposals_.erase(key);
  if (outcome) co_return std::move(*outcome);
  co_return Result::fail(Outcome::unknown, "commit_timeout",
                         "The write was appended but not known committed in time; it may still apply");
}

// The outcome of every command proposed here at `index`, now that the entry `term` applied.
void Raft::decide_proposals(std::uint64_t index, std::uint64_t term, bool condition_failed) {
  for (auto it = proposals_.lower_bound({index, 0}); it != proposals_.end() && it->first.first == index; ++it) {
    if (it->second) continue;
    if (it->first.second != term)  // another leader's entry took the index: ours was never applied
      it->second = Result::fail(Outcome::unavailable, "leadership_lost", "Leadership changed before the write committed");
    else if (condition_failed)
      it->second = Result::fail(Outcome::precondition_failed, "precondition_failed",
                                "The current value is not the expected one; nothing was written");
    else
      it->second = Result::ok();
  }
}

asio::awaitable<std::optional<std::uint64_t>> Raft::read_index() {
  if (role_ != Role::leader) {
    if (!leader_) co_return std::nullopt;
    PeerRequest request{"POST", "/raft/read_index", "{}"};
    auto result = co_await context_.transport.call(*leader_, std::move(request), context_.config.rpc_timeout);
    auto reply = result.answered_ok() ? parse_read_index_reply(result.reply.body) : std::nullopt;
    if (!reply) co_return std::nullopt;
    co_return reply->index;
  }
  co_return co_await on_read_index();
}

asio::awaitable<std::optional<std::uint64_t>> Raft::on_read_index() {
  if (role_ != Role::leader) co_return std::nullopt;
  const auto term = term_;
  // The leader must have committed an entry of its term (its no-op) to know the commit index.
  const auto settle_by = Clock::now() + context_.config.election_timeout_max;
  while (log_entries_.term_at(commit_) != term && role_ == Role::leader && term_ == term && Clock::now() < settle_by)
    co_await wait_applied(applied_ + 1, Clock::now() + context_.config.heartbeat_interval);
  if (role_ != Role::leader || term_ != term || log_entries_.term_at(commit_) != term) co_return std::nullopt;
  // Reads that arrive while a confirmation round runs share the next one: its index is
  // taken and its heartbeats sent after they all arrived, which is what each needs.
  if (!next_read_batch_) next_read_batch_ = std::make_shared<ReadBatch>();
  auto batch = next_read_batch_;
  if (!confirming_reads_) asio::co_spawn(executor_, confirm_read_batches(term), log_failure("raft read index"));
  std::function<bool()> answered = [&] { return batch->done; };
  co_await wait_until(std::move(answered), Clock::now() + 2 * context_.config.rpc_timeout);
  if (!batch->done || !batch->confirmed || role_ != Role::leader || term_ != term) co_return std::nullopt;
  co_return batch->index;
}

asio::awaitable<void> Raft::confirm_read_batches(std::uint64_t term) {
  confirming_reads_ = true;
  while (next_read_batch_) {
    auto batch = std::exchange(next_read_batch_, nullptr);
    batch->index = commit_;
    batch->confirmed = co_await confirm_leadership(term);
    batch->done = true;
    wake_waiters();
  }
  confirming_reads_ = false;
}

asio::awaitable<bool> Raft::confirm_leadership(std::uint64_t term) {
  if (role_ != Role::leader || term_ != term) co_return false;
  // A majority must answer a heartbeat of this term.
  std::vector<decltype(asio::co_spawn(executor_, heartbeat(0, term), asio::deferred))> round;
  for (auto peer : context_.config.membership.others())
    round.push_back(asio::co_spawn(executor_, heartbeat(peer, term), asio::deferred));
  auto group = asio::experimental::make_parallel_group(std::move(round));
  auto [order, failures, answered] = co_await group.async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
  std::size_t acks = 1;
  for (std::size_t i = 0; i < answered.size(); ++i)
    if (!failures[i] && answered[i]) ++acks;
  co_return role_ == Role::leader && term_ == term && acks > context_.config.membership.size() / 2;
}

json::object Raft::status() const {
  json::object status{{"role", role_name(role_)},
                      {"term", term_},
                      {"leader", leader_ ? json::value(*leader_ + 1) : json::value(nullptr)},
                      {"commit_index", commit_},
                      {"applied_index", applied_},
                      {"last_index", log_entries_.last_index()}};
  json::array followers;
  for (auto& [peer, p] : progress_)
    followers.push_back(json::object{{"node", peer + 1}, {"match_index", p.match()}, {"next_index", p.next()}});
  if (role_ == Role::leader) status["followers"] = std::move(followers);
  return status;
}

}  // namespace sysdist::cp
