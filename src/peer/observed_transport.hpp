// ObservedTransport: tells a node's EventBus about the peer messages it sends. While someone
// listens, each call is a `msg` event when it leaves ({"id","to","type","phase":"send"}) and
// one when it ends, with the same id ({"phase":"reply","status"} or {"phase":"failed",
// "error"}, and "ms"), so a page can draw the arrow out and back; at most
// limits::messages_per_link_per_second calls per peer a second are told one by one (Raft's
// heartbeats would flood a page), and every call is counted per peer for links().
// Nothing is built while nobody listens.
#pragma once
#include <memory>

#include <boost/json/array.hpp>

#include "common/event_bus.hpp"
#include "common/limits.hpp"
#include "peer/transport.hpp"

namespace sysdist {

class ObservedTransport final : public Transport {
 public:
  ObservedTransport(std::unique_ptr<Transport> inner, EventBus& bus, std::size_t members, std::size_t self);
  boost::asio::awaitable<PeerResult> call(std::size_t peer, PeerRequest request,
                                          std::chrono::milliseconds timeout) override;
  std::vector<PeerHealth> health() const override { return inner_->health(); }

  // Per peer since the last call: {"node","sent","answered","failed","told"}, and the last outcome.
  boost::json::array take_links();

 private:
  struct Link {
    RateGate gate{limits::messages_per_link_per_second};
    std::uint64_t sent = 0, answered = 0, failed = 0, told = 0;
  };
  std::unique_ptr<Transport> inner_;
  EventBus& bus_;
  std::size_t self_;
  std::vector<Link> links_;
  std::uint64_t next_id_ = 1;
};

}  // namespace sysdist
