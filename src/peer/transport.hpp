// Transport: how a node calls its peers. Peers are named by their index in the membership
// (node order). A call has its own deadline and never throws for expected failures: a peer
// that is down, cut off, slow or cancelled comes back as PeerResult::error.
// Implementations: HttpTransport (real nodes), MemoryNetwork's transports (tests).
#pragma once
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

#include "common/clock.hpp"

namespace sysdist {

struct PeerRequest {
  std::string method;  // "GET", "POST"
  std::string target;  // origin-form path, percent-encoded, e.g. "/2pc/commit/n1-2-17"
  std::string body;    // JSON, or empty
};

struct PeerReply {
  unsigned status = 0;
  std::string body;
};

struct PeerResult {
  boost::system::error_code error;  // set when no reply arrived (down, timed out, cancelled)
  PeerReply reply;
  bool answered() const { return !error; }
  bool answered_ok() const { return !error && reply.status >= 200 && reply.status < 300; }
};

// What a node runs for an inbound peer request (the node's router, in tests the mode).
using PeerHandler = std::function<boost::asio::awaitable<PeerReply>(PeerRequest)>;

// How one peer looks from here: the outcome of the last call to it and how long ago.
struct PeerHealth {
  std::string last_outcome = "never called";  // an HTTP status, "timeout", "unreachable", ...
  Clock::time_point when{};
};

class Transport {
 public:
  virtual ~Transport() = default;
  virtual boost::asio::awaitable<PeerResult> call(std::size_t peer, PeerRequest request,
                                                  std::chrono::milliseconds timeout) = 0;
  // Indexed by peer; empty when the transport does not track it.
  virtual std::vector<PeerHealth> health() const { return {}; }
};

}  // namespace sysdist
