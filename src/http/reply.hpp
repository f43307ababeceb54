// HttpRequest/HttpResponse: the router's view of HTTP, free of Beast (the server converts).
// reply_for(): the ONE mapping from protocol outcomes to HTTP statuses (SPEC section 2):
//   applied -> success status of the route, not_found -> 404, invalid -> 400 (413 when a
//   value is too long), rejected -> 422, precondition_failed -> 412, unavailable -> 503,
//   unknown -> 504.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "common/outcome.hpp"

namespace sysdist {

struct HttpRequest {
  std::string method;
  std::string target;
  std::string body;
  std::string secret;  // the X-Sys-Secret header
  std::string last_event_id = {};  // the Last-Event-ID header (an event stream resuming)
  std::string host = {};           // the Host header
  std::string requested_with = {};  // X-Requested-With (the dashboard's POSTs must carry it)
};

// A body written piece by piece as it happens (Server-Sent Events): next() waits for the
// next piece; nullopt ends the response (and its connection).
class BodyStream {
 public:
  virtual ~BodyStream() = default;
  virtual boost::asio::awaitable<std::optional<std::string>> next() = 0;
};

struct HttpResponse {
  unsigned status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::shared_ptr<BodyStream> stream = {};  // set: `body` is ignored and the stream is sent instead
  std::vector<std::pair<std::string, std::string>> headers = {};  // extra response headers
};

// What an HttpServer serves: the node's Router, or the dashboard's API.
class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  // Decided from the headers alone, before any body is read: the body limit of the route,
  // and a refusal (e.g. a missing secret) that is answered without reading the body.
  virtual std::size_t body_limit_for(std::string_view target) const = 0;
  virtual std::optional<HttpResponse> refuse_before_body(const HttpRequest& head) = 0;
  virtual boost::asio::awaitable<HttpResponse> handle(HttpRequest request) = 0;
};

HttpResponse error_response(unsigned status, std::string_view code, std::string_view message);
HttpResponse reply_for(const Result& result, unsigned success_status, std::string_view key);

}  // namespace sysdist
