// Router: maps one HTTP request to a response. Client routes (/database, /admin, /health,
// /metrics) are served here (GET /admin/events by the node's event stream) on top of the Mode; every other path is a peer route and goes
// to the mode. Parsing and input checks happen before anything is attempted, so bad input
// changes nothing. Peer and admin routes require the cluster secret when one is set.
// Also counts in-flight requests for graceful shutdown and /admin/status.
#pragma once
#include <functional>

#include <boost/asio/awaitable.hpp>

#include "common/metrics.hpp"
#include "http/reply.hpp"
#include "node/config.hpp"
#include "node/mode.hpp"

namespace sysdist {

// A node's body limit for `target` (clients: a value; peers: the largest peer message).
std::size_t node_body_limit(std::string_view target);

class Router final : public RequestHandler {
 public:
  // `peers` serves every path that is not a client route (the node passes the mode's peer
  // routes behind /peer/batch).
  Router(Mode& mode, PeerHandler peers, const Config& config, Metrics& metrics)
      : mode_(mode), config_(config), metrics_(metrics), peer_handler_(std::move(peers)) {}

  boost::asio::awaitable<HttpResponse> handle(HttpRequest request) override;

  // Decided from the headers alone, before any body is read: the body limit of the route
  // (clients: a value; peers: the largest peer message), and a refusal when the route
  // needs the cluster secret and the request lacks it (answered and counted here).
  std::size_t body_limit_for(std::string_view target) const override { return node_body_limit(target); }
  std::optional<HttpResponse> refuse_before_body(const HttpRequest& head) override;

  // From now on client writes and reads answer 503; requests already running finish.
  void start_shutdown() { shutting_down_ = true; }
  std::size_t in_flight() const { return in_flight_; }
  // What GET /admin/status answers (also the event stream's snapshot and heartbeat).
  boost::json::object status() const;
  // Filled by the node: extra facts for /admin/status (e.g. open connections).
  std::function<void(boost::json::object&)> add_status;
  // Filled by the node: GET /admin/events (a stream, or an error when none can open).
  std::function<HttpResponse(const HttpRequest&)> open_events;
  // Filled by the node: each client request on /database, once answered.
  std::function<void(const HttpRequest&, const HttpResponse&, double seconds)> on_client_request;
  // Filled by the node: true while its disk is full (writes answer 507 then).
  std::function<bool()> storage_full;

 private:
  boost::asio::awaitable<HttpResponse> route(const HttpRequest& request, std::string& route_label);
  boost::asio::awaitable<HttpResponse> database(const HttpRequest& request, const std::vector<std::string>& segments,
                                                bool stale, std::optional<std::string> expected);
  HttpResponse admin(const std::string& action, bool quiet);
  bool authorized(const HttpRequest& request) const;
  void count(const HttpRequest& request, const std::string& route_label, const HttpResponse& response,
             double seconds);

  Mode& mode_;
  const Config& config_;
  Metrics& metrics_;
  PeerHandler peer_handler_;
  bool shutting_down_ = false;
  std::size_t in_flight_ = 0;
};

}  // namespace sysdist
