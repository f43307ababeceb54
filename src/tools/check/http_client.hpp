// The checker's one HTTP client. A Connection talks to one node over keep-alive, sending
// from 127.0.0.254 when that address exists (so freezing node 1, whose address plain
// clients leave from, does not cut the checker off). http_get() is the same client run to
// completion, for the few calls off the workload's path (status, dumps). Requests carry the
// cluster secret from SYSDIST_SECRET when it is set.
#pragma once
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <boost/system/error_code.hpp>

namespace sysdist::check {

struct Answer {
  boost::system::error_code error;  // set when no answer was read
  bool sent = false;                // false: the request never left (the node refused the connection)
  int status = 0;
  std::string body;
};

class Connection {
 public:
  Connection(boost::asio::any_io_executor executor, int node);
  ~Connection();
  // `method` is "GET" or "PUT". A failed exchange drops the connection; the next one reconnects.
  boost::asio::awaitable<Answer> request(std::string method, std::string target, std::string body,
                                         std::chrono::milliseconds timeout);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// The body of a 2xx answer to GET `path` on `node`, or nullopt.
std::optional<std::string> http_get(int node, const std::string& path,
                                    std::chrono::milliseconds timeout = std::chrono::seconds(2));
std::optional<boost::json::object> get_json(int node, const std::string& path);

}  // namespace sysdist::check
