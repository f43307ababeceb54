// AntiEntropy: replicas converge for keys nobody reads, and hints go home.
//
// Every --anti-entropy-ms this node syncs with the next peer it shares keys with:
//   1. send its Merkle root for the shared keys; equal roots end the round (one hash each way)
//   2. otherwise fetch the peer's leaf hashes, then the records of the differing leaves only,
//      in pages sorted by key that each fit one message (at most 16 pages a round)
//   3. keep the newer records (LWW) and push back those where this node is newer, in
//      messages that fit
// A round that ends with equal roots marks the peer "in sync since" then. A tombstone older
// than --tombstone-grace-ms is garbage-collected once every peer sharing its key has been
// in sync after the delete (so every replica has it).
// Hinted handoff rides the same loop, four times per interval: hints are sent to their
// replica in messages that fit, then dropped. A target that does not answer keeps its
// hints for the next handoff (and holds up no other target); hints a target refuses
// (4xx) can never be delivered: they are dropped with a warning, counted in
// sysdist_ap_hints_dropped_total and /admin/status, and anti-entropy repairs the rest.
// Hints kept for one replica are bounded in bytes (--max-hint-bytes): beyond, the oldest
// are dropped at the next handoff, with a warning and the same metric.
// Bytes exchanged are counted in sysdist_ap_anti_entropy_bytes_total.
#pragma once
#include <map>

#include <boost/asio/awaitable.hpp>
#include <spdlog/logger.h>

#include "modes/ap/messages.hpp"
#include "modes/ap/replica.hpp"

namespace sysdist::ap {

class AntiEntropy {
 public:
  AntiEntropy(const ModeContext& context, Replica& replica, std::shared_ptr<spdlog::logger> log);

  boost::asio::awaitable<void> run();  // the loop; cancelled at shutdown
  boost::asio::awaitable<void> sync_with(std::size_t peer);
  boost::asio::awaitable<void> hand_off_hints();
  boost::asio::awaitable<void> collect_garbage();

  // Peer side of the exchange.
  boost::json::object merkle_reply(std::size_t from, std::uint64_t their_root) const;
  std::string entries_reply(const EntriesRequest& request) const;  // one page, sorted by key

  std::uint64_t bytes_exchanged() const { return bytes_; }
  boost::json::object status() const;

 private:
  struct Pulled {
    std::map<std::string, Version> their_versions;
    std::size_t newer = 0;
  };
  // Pages of /ap/entries one round may fetch (each up to one peer message).
  static constexpr std::size_t max_pages_per_round = 16;
  static std::size_t record_budget();  // bytes of records in one message
  boost::asio::awaitable<void> keep_within_budget(std::size_t target, std::vector<Hint>& hints, std::size_t handed_off);
  boost::asio::awaitable<PeerResult> exchange(std::size_t peer, std::string path, std::string body);
  boost::asio::awaitable<std::optional<Pulled>> pull_differing(std::size_t peer, const std::vector<std::size_t>& leaves);

  const ModeContext& context_;
  Replica& replica_;
  std::shared_ptr<spdlog::logger> log_;
  std::vector<std::uint64_t> in_sync_since_ms_;  // per peer, wall ms of the last equal roots
  std::size_t next_peer_ = 0;
  std::uint64_t bytes_ = 0, rounds_ = 0, keys_pulled_ = 0, keys_pushed_ = 0, hints_handed_off_ = 0,
                hints_refused_ = 0, hints_dropped_ = 0, tombstones_collected_ = 0;
};

}  // namespace sysdist::ap
