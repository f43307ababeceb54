// CpMode: CP mode (SPEC 3/CP) on Raft. Writes go through the leader's log (a follower
// forwards them); linearizable reads use ReadIndex; ?stale=true reads locally. The
// minority side of a partition has no leader and answers 503.
// Peer routes: POST /raft/prevote, /raft/vote, /raft/append, /raft/read_index,
// /raft/forward ({"cmd": command} from a follower to the leader).
#pragma once
#include "modes/cp/raft.hpp"
#include "node/mode.hpp"
#include "peer/routes.hpp"

namespace sysdist::cp {

class CpMode final : public Mode {
 public:
  explicit CpMode(const ModeContext& context);

  boost::asio::awaitable<void> start() override;
  void stop() override;
  boost::asio::awaitable<Result> put(std::string key, std::string value) override;
  boost::asio::awaitable<Result> put_if(std::string key, std::string value, std::string expected) override;
  boost::asio::awaitable<Result> remove(std::string key) override;
  boost::asio::awaitable<Result> get(std::string key, bool stale) override;
  boost::asio::awaitable<PeerReply> handle_peer(PeerRequest request) override;
  boost::json::object status() const override;
  boost::json::object dump() const override;

  Raft& raft() { return raft_; }

 private:
  boost::asio::awaitable<Result> submit(std::string command);
  boost::asio::awaitable<std::optional<std::size_t>> await_leader();
  // Peer routes.
  void declare_routes();
  boost::asio::awaitable<PeerReply> vote(const std::string& body, bool pre_vote);
  boost::asio::awaitable<PeerReply> append(const std::string& body);
  boost::asio::awaitable<PeerReply> snapshot(const std::string& body);
  boost::asio::awaitable<PeerReply> read_index();
  boost::asio::awaitable<PeerReply> forward(const std::string& body);

  ModeContext context_;
  std::shared_ptr<spdlog::logger> log_;
  Narrator read_steps_{log_, "served reads:"};       // one line per read at demo rates
  Narrator forward_steps_{log_, "forwarded writes:"};  // one line per write sent on to the leader
  Raft raft_;
  std::uint64_t forwarded_ = 0;  // writes sent on to the leader since the start (status)
  PeerRoutes routes_;
};

}  // namespace sysdist::cp
