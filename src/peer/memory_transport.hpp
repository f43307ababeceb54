// MemoryNetwork: an in-process network of nodes for protocol tests, with faults.
//
// Each node attaches a PeerHandler; transport_for(i) gives node i a Transport whose calls
// run the target's handler on the same executor as a separate task, so cancelling a caller
// never cuts a handler short (as on a real network). Faults:
//   crash(i)      node i is down: calls to it fail at once (connection refused), and calls
//                 it was still making never complete (a dead process sends nothing more)
//   attach(i, h)  node i is up (again), served by handler h
//   cut(a, b)     messages between a and b are lost: calls time out
//   cut_one_way(a, b)  only messages from a to b are lost (b's replies to a as well)
//   isolate(i)    cut i from everyone;  heal() removes every cut
//   set_delay     added to every delivery
//   set_faults    per message: a random delay each way (so messages overtake each other),
//                 loss and duplication, drawn from the generator given by set_random
// set_trace receives one line per message event (the simulator's trace).
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "peer/transport.hpp"

namespace sysdist {

struct LinkFaults {
  std::chrono::milliseconds min_delay{0}, max_delay{0};  // each way
  unsigned loss_per_mille = 0;       // a request or a reply is lost
  unsigned duplicate_per_mille = 0;  // a request is delivered twice
};

class MemoryNetwork {
 public:
  MemoryNetwork(boost::asio::any_io_executor executor, std::size_t nodes);

  void attach(std::size_t node, PeerHandler handler);
  void crash(std::size_t node);
  void cut(std::size_t a, std::size_t b);
  void cut_one_way(std::size_t from, std::size_t to) { cuts_.insert({from, to}); }
  void isolate(std::size_t node);
  void heal();
  void set_delay(std::chrono::milliseconds delay) { faults_ = LinkFaults{delay, delay}; }
  void set_faults(LinkFaults faults) { faults_ = faults; }
  void set_random(std::function<std::uint64_t()> random) { random_ = std::move(random); }
  void set_trace(std::function<void(std::string_view)> trace) { trace_ = std::move(trace); }
  bool reachable(std::size_t from, std::size_t to) const;

  std::unique_ptr<Transport> transport_for(std::size_t node);

  // Delivery of one call (used by the transports).
  boost::asio::awaitable<PeerResult> deliver(std::size_t from, std::size_t to, PeerRequest request,
                                             std::chrono::milliseconds timeout, unsigned sender_life);

 private:
  boost::asio::awaitable<void> hang_forever();
  std::chrono::milliseconds one_way_delay();
  bool lost();
  void trace(std::size_t from, std::size_t to, std::string_view what, std::string_view target);
  boost::asio::awaitable<std::optional<PeerReply>> serve(std::size_t from, std::size_t to, unsigned target_life,
                                                         std::shared_ptr<PeerHandler> handler, PeerRequest request);

  boost::asio::any_io_executor executor_;
  std::vector<std::shared_ptr<PeerHandler>> handlers_;
  std::vector<bool> crashed_;
  std::vector<unsigned> lives_;  // bumped at each crash: replies to a past life are never delivered
  std::set<std::pair<std::size_t, std::size_t>> cuts_;
  LinkFaults faults_;
  std::function<std::uint64_t()> random_;
  std::function<void(std::string_view)> trace_;
};

}  // namespace sysdist
