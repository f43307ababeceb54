// CaMode: CA mode (SPEC 3/CA), two-phase commit across all nodes. Writes are coordinated
// by the node that receives them (Coordinator); every node is a Participant. Reads are
// local. Peer routes, kept from the original so bin/propose.sh, commit.sh and rollback.sh
// work by hand:
//   POST /2pc/propose        {"id","key","val"[,"coordinator"]}  -> 200 yes / 409 no
//   POST /2pc/commit/:id     -> 200, 404 unknown, 409 already rolled back
//   POST /2pc/rollback/:id   -> 200, 409 already committed
//   GET  /2pc/txn/:id        -> {"id","state"}: what in-doubt participants ask
// Background: every limits::in_doubt_scan_interval, transactions prepared for longer than
// twice the RPC timeout are resolved (Participant::resolve_in_doubt).
#pragma once
#include <boost/asio/cancellation_signal.hpp>

#include "modes/ca/coordinator.hpp"
#include "modes/ca/participant.hpp"
#include "node/mode.hpp"
#include "peer/routes.hpp"

namespace sysdist::ca {

class CaMode final : public Mode {
 public:
  explicit CaMode(const ModeContext& context, StepHook hook = {});

  boost::asio::awaitable<void> start() override;
  void stop() override;
  boost::asio::awaitable<Result> put(std::string key, std::string value) override;
  boost::asio::awaitable<Result> remove(std::string key) override;
  boost::asio::awaitable<Result> get(std::string key, bool stale) override;
  boost::asio::awaitable<PeerReply> handle_peer(PeerRequest request) override;
  boost::json::object status() const override;
  boost::json::object dump() const override;

 private:
  boost::asio::awaitable<void> in_doubt_loop();
  // Peer routes (declared in the constructor).
  boost::asio::awaitable<PeerReply> propose(const std::string& body);
  boost::asio::awaitable<PeerReply> forget(const std::string& body);
  boost::asio::awaitable<PeerReply> sync_decided(const std::string& body);
  boost::asio::awaitable<PeerReply> decide(const std::string& id, TxnState decision);
  boost::asio::awaitable<PeerReply> txn_state(const std::string& id);

  ModeContext context_;
  std::shared_ptr<spdlog::logger> log_;
  Participant participant_;
  Coordinator coordinator_;
  boost::asio::cancellation_signal stop_signal_;
  PeerRoutes routes_;
};

}  // namespace sysdist::ca
