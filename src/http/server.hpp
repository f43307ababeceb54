// HttpServer: the Beast HTTP/1.1 server, one coroutine per connection, keep-alive.
// Every request must arrive whole within limits::request_read_timeout (slow and half-open
// clients are dropped), headers and bodies are size-limited (431/413; the body limit and
// the secret are decided from the headers). Connections from a member's address count
// against the peer budget, all others against the client budget (connection_budgets.hpp):
// when a budget is full, the oldest idle connection of that kind (waiting for the first
// byte of a request) is closed first, and only then are new ones refused; out of
// descriptors, accepting pauses briefly instead of spinning. Each response carries
// X-Sys-Id: <port>.
#pragma once
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>

#include <boost/json/object.hpp>

#include "common/membership.hpp"
#include "common/metrics.hpp"
#include "http/reply.hpp"
#include "node/connection_budgets.hpp"

namespace sysdist {

class HttpServer {
 public:
  virtual ~HttpServer() = default;
  virtual void stop_accepting() = 0;
  // Open connections and budgets, for /admin/status.
  virtual boost::json::object connections() const = 0;
};

// Binds host:port now (throws when it cannot) and accepts in the background.
std::unique_ptr<HttpServer> start_http_server(boost::asio::any_io_executor executor, const std::string& host,
                                              unsigned short port, RequestHandler& handler, ConnectionBudgets budgets,
                                              const Membership& membership, Metrics& metrics);

}  // namespace sysdist
