// Fuzz target: the whole HTTP request path of a node. Bytes are parsed as an HTTP request
// with the server's limits (Beast), then routed through the real Router to a CA or AP node
// (the first byte picks) in memory: method, target, headers, body. Checks that every
// answer is an HTTP status with the JSON error shape on errors and /metrics stays bounded.
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include "common/limits.hpp"
#include "fuzz_node.hpp"
#include "http/router.hpp"
#include "peer/batching_transport.hpp"

namespace http = boost::beast::http;
using namespace sysdist;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  fuzz::FuzzNode node(data[0] % 2 ? "AP" : "CA");
  Router router(*node.mode, serve_batches(peer_routes_of(*node.mode)), node.config, node.metrics);
  http::request_parser<http::string_body> parser;
  parser.header_limit(limits::max_header_bytes);
  parser.body_limit(limits::max_peer_body_bytes);
  parser.eager(true);
  boost::system::error_code ec;
  parser.put(boost::asio::buffer(data + 1, size - 1), ec);
  if (ec || !parser.is_done()) return 0;
  auto& request = parser.get();
  if (request.body().size() > node_body_limit(request.target())) return 0;  // the server's 413
  HttpRequest view{std::string(request.method_string()), std::string(request.target()), request.body(),
                   std::string(request["X-Sys-Secret"])};
  if (auto refusal = router.refuse_before_body(view)) return 0;
  auto response = node.run(router.handle(std::move(view)));
  if (response.status < 200 || response.status > 599) __builtin_trap();
  if (response.status >= 400) {
    auto body = boost::json::parse(response.body, ec);
    if (ec || !body.is_object() || !body.as_object().contains("error") || !body.as_object().contains("code"))
      __builtin_trap();
  }
  return 0;
}
