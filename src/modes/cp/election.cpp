// Elections (Raft section 5.2) with PreVote, leader stickiness and CheckQuorum (Raft thesis
// 9.6, as etcd does): a node that could not win does not disturb the cluster with a new
// term, a node that hears from a live leader ignores candidates, and a leader that has not
// heard from a majority for an election timeout steps down.
#include <random>

#include <boost/json/object.hpp>

#include "common/net.hpp"
#include "modes/cp/raft.hpp"
#include "peer/fan_out.hpp"

namespace sysdist::cp {

namespace json = boost::json;

void Raft::reset_election_deadline() {
  const auto min = context_.config.election_timeout_min.count(), max = context_.config.election_timeout_max.count();
  election_deadline_ = Clock::now() + std::chrono::milliseconds(std::uniform_int_distribution<long>(min, max)(random_));
}

bool Raft::heard_from_leader_recently() const {
  return role_ == Role::leader ||
         (leader_ && Clock::now() - last_leader_contact_ < context_.config.election_timeout_min);
}

// The election timer and CheckQuorum, for the node's whole life.
asio::awaitable<void> Raft::run_elections() {
  Timer tick(executor_);
  std::optional<Clock::time_point> leading_since;
  for (;;) {
    tick.expires_after(context_.config.heartbeat_interval / 2);
    co_await tick.async_wait(asio::use_awaitable);
    if (role_ != Role::leader) {
      leading_since.reset();
      if (Clock::now() >= election_deadline_) co_await campaign();
      continue;
    }
    if (!leading_since) leading_since = Clock::now();
    if (!check_quorum(*leading_since)) co_await become_follower(term_, std::nullopt);
  }
}

bool Raft::check_quorum(Clock::time_point leading_since) const {
  const auto now = Clock::now();
  std::size_t in_touch = 1;
  for (auto& [peer, at] : last_ack_)
    if (now - at < context_.config.election_timeout_max) ++in_touch;
  const auto size = context_.config.membership.size();
  if (in_touch > size / 2 || now - leading_since <= context_.config.election_timeout_max) return true;
  log_->warn("term {}: CheckQuorum failed (only {} of {} in touch), stepping down", term_, in_touch, size);
  context_.emit("check_quorum", [&] { return json::object{{"term", term_}, {"in_touch", in_touch}, {"of", size}}; });
  return false;
}

asio::awaitable<void> Raft::campaign() {
  reset_election_deadline();
  context_.emit("election", [&] { return json::object{{"phase", "pre_vote"}, {"term", term_ + 1}}; });
  // PreVote: only a node that could win disturbs the cluster with a new term.
  const bool could_win = co_await poll(true, term_ + 1);
  if (!could_win || role_ == Role::leader || heard_from_leader_recently()) co_return;
  ++term_;
  role_ = Role::candidate;
  leader_.reset();
  voted_for_ = context_.config.membership.self;
  const auto term = term_;
  co_await persist_term_and_vote();
  log_->info("term {}: election timeout, candidate, asking for votes", term);
  emit_role("election timeout");
  const bool won = co_await poll(false, term);
  if (won && role_ == Role::candidate && term_ == term) become_leader();
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
  context_.emit("election", [&] {
    return json::object{{"phase", pre_vote ? "pre_vote_result" : "vote_result"}, {"term", term},
                        {"granted", granted}, {"won", granted >= majority}};
  });
  co_return granted >= majority;
}

asio::awaitable<VoteReply> Raft::on_pre_vote(const VoteRequest& request) {
  const bool granted = request.term > term_ && !heard_from_leader_recently() &&
                       candidate_log_is_up_to_date(request.last_term, request.last_index, log_entries_);
  emit_vote(request, granted, true);
  co_return VoteReply{term_, granted};
}

asio::awaitable<VoteReply> Raft::on_vote(const VoteRequest& request) {
  const auto term = request.term;
  const auto candidate = request.candidate;
  // A node that hears from a live leader ignores candidates: a returning node cannot depose it.
  if (term < term_ || heard_from_leader_recently()) {
    emit_vote(request, false, false);
    co_return VoteReply{term_, false};
  }
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
  emit_vote(request, granted && term_ == term, false);
  co_return VoteReply{term_, granted && term_ == term};
}

void Raft::emit_vote(const VoteRequest& request, bool granted, bool pre_vote) const {
  context_.emit("vote", [&] {
    return json::object{{"term", request.term}, {"candidate", request.candidate + 1},
                        {"granted", granted}, {"pre_vote", pre_vote}};
  });
}

asio::awaitable<void> Raft::persist_term_and_vote() {
  Batch batch{{Keyspace::meta, "raft/term", std::to_string(term_)},
              {Keyspace::meta, "raft/vote", voted_for_ ? std::to_string(*voted_for_) : std::string()}};
  co_await context_.store.commit(std::move(batch));
}

}  // namespace sysdist::cp
