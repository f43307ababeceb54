// ApMode: AP mode (SPEC 3/AP), Dynamo-style sloppy quorum. Keys live on a consistent-hash
// ring (Ring) with N replicas each; any node coordinates reads and writes (Coordinator);
// versions are last-writer-wins on a hybrid logical clock; deletes are tombstones;
// read repair, hinted handoff and Merkle anti-entropy converge the replicas (AntiEntropy).
// Peer routes: the original's GET /quorum/read/:key and POST /quorum/repair
// {"key","val","ts"} (bin/trick-value.sh plants old values with it), and sysdist's own
// /ap/put, /ap/merkle, /ap/entries (see messages.hpp).
#pragma once
#include <boost/asio/cancellation_signal.hpp>

#include "modes/ap/anti_entropy.hpp"
#include "modes/ap/coordinator.hpp"
#include "modes/ap/messages.hpp"
#include "modes/ap/replica.hpp"
#include "modes/ap/ring.hpp"
#include "common/narrator.hpp"
#include "node/mode.hpp"
#include "peer/routes.hpp"

namespace sysdist::ap {

class ApMode final : public Mode {
 public:
  explicit ApMode(const ModeContext& context);

  boost::asio::awaitable<void> start() override;
  void stop() override;
  boost::asio::awaitable<Result> put(std::string key, std::string value) override;
  boost::asio::awaitable<Result> remove(std::string key) override;
  boost::asio::awaitable<Result> get(std::string key, bool stale) override;
  boost::asio::awaitable<PeerReply> handle_peer(PeerRequest request) override;
  boost::json::object status() const override;
  boost::json::object dump() const override;
  boost::json::object dump_with_versions() const override;

  AntiEntropy& anti_entropy() { return anti_entropy_; }  // tests drive rounds directly

 private:
  // Peer routes (declared in the constructor).
  boost::asio::awaitable<PeerReply> read_record(const std::string& key);
  boost::asio::awaitable<PeerReply> put_records(const std::string& body);
  boost::asio::awaitable<PeerReply> repair(const std::string& body);
  boost::asio::awaitable<PeerReply> merkle(const std::string& body);
  boost::asio::awaitable<PeerReply> entries(const std::string& body);

  ModeContext context_;
  std::shared_ptr<spdlog::logger> log_;
  Narrator answered_steps_{log_, "answered reads:"};  // one line per read answered at demo rates
  Ring ring_;
  Replica replica_;
  Coordinator coordinator_;
  AntiEntropy anti_entropy_;
  boost::asio::cancellation_signal stop_signal_;
  PeerRoutes routes_;
};

}  // namespace sysdist::ap
