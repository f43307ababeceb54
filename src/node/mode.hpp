// Mode: what a replication protocol (CA, AP, CP) offers the node. The router calls it for
// client operations and hands it every peer route; the node starts and stops it.
// All calls run on the node's one event-loop thread.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include "common/clock.hpp"
#include "common/event_bus.hpp"
#include "common/metrics.hpp"
#include "common/outcome.hpp"
#include "node/config.hpp"
#include "peer/transport.hpp"
#include "storage/store.hpp"

namespace sysdist {

// What a mode is built from; everything outlives the mode.
struct ModeContext {
  const Config& config;
  Store& store;
  Transport& transport;
  Metrics& metrics;
  std::uint64_t incarnation;  // bumped at every start of this node (unique ids across restarts)
  std::function<std::uint64_t()> wall_ms = wall_ms_now;  // this node's wall clock (AP versions)
  std::uint64_t seed = 0;  // mixed into the mode's random choices (the simulator sets it per run)
  EventBus* events = nullptr;  // /admin/events; null where nobody can listen (the simulator)

  // A protocol step for /admin/events: `make` builds its JSON object only if someone listens.
  template <class Make>
  void emit(std::string_view type, Make&& make) const {
    if (events) events->emit(type, std::forward<Make>(make));
  }
};

class Mode {
 public:
  virtual ~Mode() = default;
  // Recovers from the store and starts background work; the node serves after it returns.
  virtual boost::asio::awaitable<void> start() = 0;
  // Stops background work (graceful shutdown); in-flight client requests may still finish.
  virtual void stop() = 0;

  virtual boost::asio::awaitable<Result> put(std::string key, std::string value) = 0;
  // PUT /database/:key?expect=OLD: writes only if the current value is OLD (412 otherwise).
  // CP's extension; the other modes answer 400.
  virtual boost::asio::awaitable<Result> put_if(std::string key, std::string value, std::string expected) {
    co_return Result::fail(Outcome::invalid, "unsupported", "Conditional writes (?expect=) exist in CP mode only");
  }
  virtual boost::asio::awaitable<Result> remove(std::string key) = 0;
  virtual boost::asio::awaitable<Result> get(std::string key, bool stale) = 0;

  // A request on a route that is not a client route (e.g. /2pc/propose). Unknown paths
  // get 404, malformed bodies 400, each with the JSON error shape.
  virtual boost::asio::awaitable<PeerReply> handle_peer(PeerRequest request) = 0;

  virtual boost::json::object status() const = 0;
  // The node's whole local store, key -> value.
  virtual boost::json::object dump() const = 0;
  // The same with each copy's version where the mode keeps one (AP: key -> {"val",
  // "version"}), so a dashboard can tell a stale copy from the newest.
  virtual boost::json::object dump_with_versions() const { return dump(); }
};

std::unique_ptr<Mode> make_mode(const ModeContext& context);

// The mode's peer routes as the handler a server or the in-memory network runs.
inline PeerHandler peer_routes_of(Mode& mode) {
  return [&mode](PeerRequest request) { return mode.handle_peer(std::move(request)); };
}

}  // namespace sysdist
