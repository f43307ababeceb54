// MemoryNetwork: an in-process network of nodes for protocol tests, with faults.
//
// Each node attaches a PeerHandler; transport_for(i) gives node i a Transport whose calls
// run the target's handler on the same executor as a separate task, so cancelling a caller
// never cuts a handler short (as on a real network). Faults:
//   crash(i)      node i is down: calls to it fail at once (connection refused), and calls
//                 it was still making never complete (a dead process sends nothing more)
//   attach(i, h)  node i is up (again), served by handler h
//   cut(a, b)     messages between a and b are lost: calls time out
//   isolate(i)    cut i from everyone;  heal() removes every cut
//   delay         added to every delivery
#pragma once
#include <memory>
#include <set>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "peer/transport.hpp"

namespace sysdist {

class MemoryNetwork {
 public:
  MemoryNetwork(boost::asio::any_io_executor executor, std::size_t nodes);

  void attach(std::size_t node, PeerHandler handler);
  void crash(std::size_t node);
  void cut(std::size_t a, std::size_t b);
  void isolate(std::size_t node);
  void heal();
  void set_delay(std::chrono::milliseconds delay) { delay_ = delay; }
  bool reachable(std::size_t from, std::size_t to) const;

  std::unique_ptr<Transport> transport_for(std::size_t node);

  // Delivery of one call (used by the transports).
  boost::asio::awaitable<PeerResult> deliver(std::size_t from, std::size_t to, PeerRequest request,
                                             std::chrono::milliseconds timeout, unsigned sender_life);

 private:
  boost::asio::awaitable<void> hang_forever();

  boost::asio::any_io_executor executor_;
  std::vector<std::shared_ptr<PeerHandler>> handlers_;
  std::vector<bool> crashed_;
  std::vector<unsigned> lives_;  // bumped at each crash: replies to a past life are never delivered
  std::set<std::pair<std::size_t, std::size_t>> cuts_;
  std::chrono::milliseconds delay_{0};
};

}  // namespace sysdist
