// HttpServer: the Beast HTTP/1.1 server, one coroutine per connection, keep-alive.
// Every request must arrive whole within limits::request_read_timeout (slow and half-open
// clients are dropped), headers and bodies are size-limited (431/413), at most
// limits::max_connections are open at once. Each response carries X-Sys-Id: <port>.
#pragma once
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>

#include "http/router.hpp"

namespace sysdist {

class HttpServer {
 public:
  virtual ~HttpServer() = default;
  virtual void stop_accepting() = 0;
  virtual std::size_t open_connections() const = 0;
};

// Binds host:port now (throws when it cannot) and accepts in the background.
std::unique_ptr<HttpServer> start_http_server(boost::asio::any_io_executor executor, const std::string& host,
                                              unsigned short port, Router& router);

}  // namespace sysdist
