// PeerRoutes: a mode's peer routes, declared as a table ("POST /2pc/commit/:id" -> handler).
// dispatch() does what every peer route shares: parse and percent-decode the target (400
// when malformed), find the route by its path (404), check the method (405), and pass the
// handler the values of the path's ":name" segments, in order.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "peer/transport.hpp"

namespace sysdist {

class PeerRoutes {
 public:
  using Params = std::vector<std::string>;
  using Handler = std::function<boost::asio::awaitable<PeerReply>(const PeerRequest&, const Params&)>;

  void add(std::string method, std::string pattern, Handler handler);
  boost::asio::awaitable<PeerReply> dispatch(const PeerRequest& request) const;

 private:
  struct Route {
    std::string method, pattern;
    std::vector<std::string> segments;
    Handler handler;
  };
  std::vector<Route> routes_;
};

}  // namespace sysdist
