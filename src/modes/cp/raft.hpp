// Raft: one CP node's consensus state and the protocol that moves it (Raft paper, with
// PreVote and CheckQuorum as in etcd). Single-threaded on the node's event loop; after
// every co_await the code re-checks term and role before acting.
//
// Persist before you promise:
//   - term and vote are fsync'd before a vote is granted or a higher term is acted on;
//   - a follower fsyncs accepted entries before acknowledging them;
//   - the leader writes its own new entries in parallel with replicating them, and counts
//     itself in the commit majority only once they are durable. While a majority of
//     followers answers, it does not sync them at all: their copies commit the entries; it
//     syncs only when its vote is needed, and before it becomes a follower.
// Applied entries are written to the data keyspace together with meta "raft/applied".
// Snapshots: the state machine is the data keyspace itself, durable at meta "raft/applied".
// Every --snapshot-entries applied entries the log before the applied index is dropped
// (meta "raft/snapshot_index"/"raft/snapshot_term" remember where it ended). A follower
// that needs dropped entries gets the whole data keyspace in chunks (InstallSnapshot).
#pragma once
#include <chrono>
#include <map>
#include <random>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/json/object.hpp>
#include <spdlog/logger.h>

#include "common/clock.hpp"
#include "common/condition.hpp"
#include "common/narrator.hpp"
#include "modes/cp/messages.hpp"
#include "modes/cp/progress.hpp"
#include "modes/cp/raft_log.hpp"
#include "modes/cp/kv_state_machine.hpp"
#include "node/mode.hpp"

namespace sysdist::cp {

enum class Role { follower, candidate, leader };
const char* role_name(Role role);

// One CP node's Raft. The member functions live in one file per job, each readable alone:
//   raft.cpp              recovery, start/stop, role changes, propose -> outcome, status
//   election.cpp          election timer, PreVote, votes, CheckQuorum, leader stickiness
//   replication.cpp       the leader's side: one follower's AppendEntries (pipelined), heartbeats
//   follower.cpp          the follower's side: accepting entries, durable before acknowledged
//   leader_durability.cpp the leader's own log writes and syncs, and the commit rule
//   commit_apply.cpp      the apply loop (kv_state_machine.hpp), proposal outcomes, compaction
//   read_index.cpp        ReadIndex: batched leadership confirmation
//   snapshot.cpp          InstallSnapshot, sending and receiving
// One write: propose (raft.cpp) appends -> persist loop writes it (leader_durability) while
// replicators send it (replication) -> acknowledgements advance the commit index
// (leader_durability) -> the apply loop applies it and decides the proposal (commit_apply) ->
// propose answers. Long-lived activities are loops waiting on `changed_`; the leader's loops
// live for one term.
class Raft {
 public:
  Raft(const ModeContext& context, std::shared_ptr<spdlog::logger> log);

  void recover();  // loads term, vote, log and applied index from the store
  // Starts the election timer and CheckQuorum loop and the apply loop; stop() ends them.
  void start(boost::asio::any_io_executor executor);
  void stop();

  // Leader only: appends a command and waits until it is applied (or fails).
  boost::asio::awaitable<Result> propose(std::string command);
  // A read index this node may serve at once it has applied it (leader: confirmed with a
  // heartbeat round; follower: asked of the leader). nullopt: no leader or not confirmed.
  boost::asio::awaitable<std::optional<std::uint64_t>> read_index();
  boost::asio::awaitable<bool> wait_applied(std::uint64_t index, Clock::time_point deadline);

  // Peer RPCs, on messages already checked (messages.hpp).
  boost::asio::awaitable<VoteReply> on_pre_vote(const VoteRequest& request);
  boost::asio::awaitable<VoteReply> on_vote(const VoteRequest& request);
  boost::asio::awaitable<AppendReply> on_append(const AppendRequest& request);
  boost::asio::awaitable<std::optional<std::uint64_t>> on_read_index();
  boost::asio::awaitable<AppendReply> on_snapshot(const SnapshotChunk& chunk);

  Role role() const { return role_; }
  std::optional<std::size_t> leader() const { return leader_; }
  std::uint64_t term() const { return term_; }
  std::uint64_t commit_index() const { return commit_; }
  const RaftLog& log() const { return log_entries_; }
  boost::json::object status() const;

 private:
  // raft.cpp: role changes.
  boost::asio::awaitable<void> become_follower(std::uint64_t term, std::optional<std::size_t> leader);
  void become_leader();
  bool leading(std::uint64_t term) const { return role_ == Role::leader && term_ == term && !stopped_; }
  void changed();  // state that loops and waiters look at changed: they re-check
  boost::asio::awaitable<bool> wait_until(std::function<bool()> done, Clock::time_point deadline);
  void spawn(boost::asio::awaitable<void> task, const char* what);

  // election.cpp
  boost::asio::awaitable<void> run_elections();
  boost::asio::awaitable<void> campaign();
  boost::asio::awaitable<bool> poll(bool pre_vote, std::uint64_t term);
  bool check_quorum(Clock::time_point leading_since) const;
  void reset_election_deadline();
  bool heard_from_leader_recently() const;
  boost::asio::awaitable<void> persist_term_and_vote();

  // replication.cpp: the leader's side, one loop per follower and term.
  boost::asio::awaitable<void> replicate(std::size_t peer, std::uint64_t term);
  // One leader->follower RPC and what every answer needs: nullopt when leadership changed
  // meanwhile, the follower did not answer (its progress backs off) or it knows a higher
  // term (we step down); otherwise the reply, with the follower marked in touch.
  // A reply claiming a match beyond `last_sent` is malformed (treated as no answer).
  boost::asio::awaitable<std::optional<AppendReply>> call_follower(std::size_t peer, std::uint64_t term,
                                                                  PeerRequest request, std::uint64_t last_sent,
                                                                  std::chrono::milliseconds timeout);
  // AppendEntries: next_append() builds the next one for a follower (entries up to the peer
  // body budget) and counts it in flight; send_append() sends it and records the answer.
  struct Append {
    PeerRequest request;
    std::uint64_t last = 0;  // the last index it carries
  };
  Append next_append(Progress& progress, std::uint64_t term);
  boost::asio::awaitable<void> send_append(std::size_t peer, std::uint64_t term, Append append);
  // An empty AppendEntries at the follower's known match, outside the replication window:
  // the follower answers at once (nothing to write), so one whose disk is slow or full --
  // its window held by an append still being written -- stays in touch (CheckQuorum) and
  // confirms reads (ReadIndex). True when it answered in this term.
  boost::asio::awaitable<bool> heartbeat(std::size_t peer, std::uint64_t term);

  // follower.cpp
  boost::asio::awaitable<void> persist_entries(std::uint64_t from, std::uint64_t old_last);

  // leader_durability.cpp: the leader writes its entries in parallel with replicating them
  // and syncs them only when its vote is needed.
  boost::asio::awaitable<void> persist_loop(std::uint64_t term);
  boost::asio::awaitable<void> write_own_entries(std::uint64_t from, std::uint64_t to, Durability durability,
                                                 std::uint64_t term);
  boost::asio::awaitable<void> sync_loop(std::uint64_t term);
  boost::asio::awaitable<void> sync_written();
  bool followers_can_commit_alone() const;
  void advance_commit();
  // The commit index a majority allows if the leader's own copy counted up to `own`.
  std::uint64_t commit_with_own_copy_at(std::uint64_t own) const;
  // Would the leader's written but unsynced entries commit more with its vote? Then it syncs them.
  bool own_vote_would_commit_more() const;

  // commit_apply.cpp: one loop writes the state machine, so batches and snapshot installs never overlap.
  boost::asio::awaitable<void> apply_loop();
  boost::asio::awaitable<void> apply_next_batch();
  void decide_proposals(const AppliedEntry& entry);
  void narrate(const AppliedEntry& entry);  // what the pane says of it
  // /admin/events: this node's role changed; a vote it gave or refused.
  void emit_role(std::string_view why) const;
  void emit_vote(const VoteRequest& request, bool granted, bool pre_vote) const;
  boost::asio::awaitable<void> compact_if_due();

  // read_index.cpp
  struct ReadBatch {
    std::uint64_t index = 0;
    bool done = false, confirmed = false;
  };
  boost::asio::awaitable<void> confirm_reads_loop(std::uint64_t term);
  boost::asio::awaitable<void> forward_reads_loop();  // a follower's batches, to the leader
  // Joins the batch being gathered in `next` (starting one) and waits until its loop served it.
  boost::asio::awaitable<std::optional<std::uint64_t>> join_read_batch(std::shared_ptr<ReadBatch>& next);
  boost::asio::awaitable<bool> confirm_leadership(std::uint64_t term);

  // snapshot.cpp
  boost::asio::awaitable<bool> send_snapshot(std::size_t peer, std::uint64_t term);
  // A complete snapshot received, waiting for the apply loop to install it.
  struct Install {
    Pairs pairs;
    std::uint64_t index = 0, term = 0;
    bool done = false;
  };
  boost::asio::awaitable<void> install(Install& snapshot);

  const ModeContext& context_;
  std::shared_ptr<spdlog::logger> log_;
  Narrator applied_steps_{log_, "applied"};  // one line per applied entry at demo rates
  boost::asio::any_io_executor executor_;  // the node's event loop, learned in start()
  std::mt19937_64 random_;
  boost::asio::cancellation_signal stop_signal_;
  bool stopped_ = false;
  Condition changed_;     // commit, applied, persisted, role or term changed; a snapshot or reads wait
  Condition replicators_; // a new entry to send, an answer arrived, or leadership changed

  // Persistent state (with the log).
  std::uint64_t term_ = 0;
  std::optional<std::size_t> voted_for_;
  RaftLog log_entries_;
  // Volatile state.
  Role role_ = Role::follower;
  std::optional<std::size_t> leader_;
  std::uint64_t commit_ = 0, applied_ = 0, persisted_ = 0;
  Clock::time_point election_deadline_{}, last_leader_contact_{};
  // Leader state: its log is handed to storage up to handed_to_storage_, written up to
  // written_, durable up to persisted_.
  std::uint64_t handed_to_storage_ = 0, written_ = 0;
  std::map<std::size_t, Progress> progress_;
  std::map<std::size_t, Clock::time_point> last_ack_;
  // Commands proposed on this node, by (index, term), until their proposer reads the outcome:
  // decided when the index is applied (ours applied, or a cas that found another value, or
  // another entry took the index), unknown when a snapshot covered the index.
  std::map<std::pair<std::uint64_t, std::uint64_t>, std::optional<Result>> proposals_;
  std::shared_ptr<ReadBatch> next_read_batch_;       // leader: the next heartbeat round's reads
  std::shared_ptr<ReadBatch> next_forwarded_reads_;  // follower: the next call's to the leader
  std::uint64_t read_index_rounds_ = 0;  // confirmed or not, since the start (status)
  // A snapshot being received (its last index and the pairs so far), and one to install.
  std::uint64_t staged_index_ = 0;
  Pairs staged_;
  std::shared_ptr<Install> pending_install_;
};

}  // namespace sysdist::cp
