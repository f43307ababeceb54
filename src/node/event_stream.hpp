// EventStream: a node's GET /admin/events on top of its EventBus. A subscriber first gets a
// `snapshot` event (what /admin/status answers), then the bus's events as they happen:
// `log` (each line the console narrates), the modes' protocol steps, `msg` (peer messages,
// node/observed_transport), `client` (client requests, at most limits::client_events_per_second
// a second) and, every limits::event_heartbeat while anyone listens, `state`: the status
// again plus the client requests of the interval by status with their p50/p99 latency
// (so a timeline counts every request, however busy the node is) and the peer links.
// No heartbeat runs and nothing is counted while nobody listens.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/json/object.hpp>

#include "common/event_bus.hpp"
#include "common/limits.hpp"
#include "http/reply.hpp"

namespace sysdist {

class EventStream {
 public:
  using Facts = std::function<boost::json::object()>;
  // `snapshot` builds the status; `links` the peer links' counters since the last call.
  EventStream(boost::asio::any_io_executor executor, EventBus& bus, Facts snapshot, Facts links);
  ~EventStream();

  void start();  // the heartbeat loop
  void stop();   // ends every stream and the loop

  // GET /admin/events: the stream, or 503 when every subscriber slot is taken.
  HttpResponse open(const HttpRequest& request);
  void client_request(const HttpRequest& request, const HttpResponse& response, double seconds);

 private:
  boost::asio::awaitable<void> heartbeat_loop();
  boost::json::object take_client_tally();

  boost::asio::any_io_executor executor_;
  EventBus& bus_;
  Facts snapshot_, links_;
  bool stopped_ = false;
  RateGate client_gate_{limits::client_events_per_second};
  std::map<unsigned, std::uint64_t> statuses_;  // this interval's client requests by status
  std::vector<double> latencies_ms_;            // and their latencies (bounded sample)
};

}  // namespace sysdist
