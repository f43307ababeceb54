#include "peer/routes.hpp"

#include "peer/messages.hpp"

namespace sysdist {

void PeerRoutes::add(std::string method, std::string pattern, Handler handler) {
  auto segments = path_of(pattern);
  routes_.push_back({std::move(method), std::move(pattern), segments.value_or(std::vector<std::string>{}),
                     std::move(handler)});
}

boost::asio::awaitable<PeerReply> PeerRoutes::dispatch(const PeerRequest& request) const {
  auto path = path_of(request.target);
  if (!path) co_return error_reply(400, "bad_url", "Malformed URL or percent-encoding");
  const Route* wrong_method = nullptr;
  for (const auto& route : routes_) {
    if (route.segments.size() != path->size()) continue;
    Params params;
    bool matches = true;
    for (std::size_t i = 0; i < path->size() && matches; ++i) {
      if (route.segments[i].starts_with(':'))
        params.push_back((*path)[i]);
      else
        matches = route.segments[i] == (*path)[i];
    }
    if (!matches) continue;
    if (route.method != request.method) {
      wrong_method = &route;
      continue;
    }
    co_return co_await route.handler(request, params);
  }
  if (wrong_method)
    co_return error_reply(405, "method_not_allowed", "Use " + wrong_method->method + " " + wrong_method->pattern);
  co_return error_reply(404, "unknown_route", "No route " + request.target);
}

}  // namespace sysdist
