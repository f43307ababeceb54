#include "http/router.hpp"

#include <chrono>
#include <iostream>

#include <boost/json.hpp>
#include <boost/url.hpp>

#include "common/clock.hpp"
#include "common/checks.hpp"
#include "common/limits.hpp"
#include "common/net.hpp"
#include "common/logging.hpp"

namespace sysdist {

namespace {
HttpResponse method_not_allowed(const std::string& method, std::string_view allowed) {
  return error_response(405, "method_not_allowed", escaped(method) + " is not allowed here; use " + std::string(allowed));
}
// Metric labels come from closed sets: a method a client invents is "other", so /metrics
// keeps its size whatever arrives.
std::string_view method_label(std::string_view method) {
  for (std::string_view known : {"GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"})
    if (method == known) return known;
  return "other";
}
HttpResponse unauthorized() {
  return error_response(401, "unauthorized", "This route needs the cluster secret (X-Sys-Secret header)");
}
// The first path segment of an origin-form target, as sent (routing decodes it later).
std::string_view first_segment(std::string_view target) {
  if (target.starts_with('/')) target.remove_prefix(1);
  return target.substr(0, target.find_first_of("/?"));
}
// Routes anyone may call (no secret), and those with small client bodies (the open ones and admin).
bool is_open_route(std::string_view first) { return first == "database" || first == "health" || first == "metrics"; }
bool is_client_route(std::string_view first) { return is_open_route(first) || first == "admin"; }
// Compares in time that depends on the lengths only, never on where the texts differ.
bool constant_time_equal(std::string_view given, std::string_view secret) {
  unsigned char differ = given.size() != secret.size();
  for (std::size_t i = 0; i < given.size(); ++i)
    differ |= static_cast<unsigned char>(given[i] ^ (i < secret.size() ? secret[i] : 0));
  return differ == 0;
}
}  // namespace

asio::awaitable<HttpResponse> Router::handle(HttpRequest request) {
  ++in_flight_;
  const auto start = Clock::now();
  std::string route_label = "unknown";
  HttpResponse response;
  try {
    response = co_await route(request, route_label);
  } catch (const std::exception& e) {
    logger("http")->error("{} {} failed: {}", escaped(request.method), escaped(request.target), e.what());
    response = error_response(500, "internal", e.what());
  }
  --in_flight_;
  const std::chrono::duration<double> took = Clock::now() - start;
  count(request, route_label, response, took.count());
  if (on_client_request && route_label.starts_with("/database")) on_client_request(request, response, took.count());
  co_return response;
}

void Router::count(const HttpRequest& request, const std::string& route_label, const HttpResponse& response,
                   double seconds) {
  const auto labels = "route=\"" + route_label + "\",method=\"" + std::string(method_label(request.method)) + "\"";
  metrics_.count("sysdist_http_requests_total", labels + ",status=\"" + std::to_string(response.status) + "\"");
  metrics_.observe_seconds("sysdist_http_request_seconds", labels, seconds);
}

std::size_t node_body_limit(std::string_view target) {
  return is_client_route(first_segment(target)) ? limits::max_body_bytes : limits::max_peer_body_bytes;
}

bool Router::authorized(const HttpRequest& request) const {
  return config_.secret.empty() || constant_time_equal(request.secret, config_.secret);
}

std::optional<HttpResponse> Router::refuse_before_body(const HttpRequest& head) {
  const auto first = first_segment(head.target);
  if (is_open_route(first) || authorized(head)) return std::nullopt;
  auto response = unauthorized();
  count(head, first == "admin" ? "admin" : "peer", response, 0);
  return response;
}

asio::awaitable<HttpResponse> Router::route(const HttpRequest& request, std::string& route_label) {
  auto url = boost::urls::parse_origin_form(request.target);
  if (!url) co_return error_response(400, "bad_url", "Malformed URL or percent-encoding: " + request.target);
  std::vector<std::string> segments(url->segments().begin(), url->segments().end());
  const auto& method = request.method;
  const auto first = segments.empty() ? std::string() : segments[0];

  if (first == "database") {
    route_label = segments.size() == 3 ? "/database/:key/:val" : "/database/:key";
    bool stale = false;
    if (auto it = url->params().find("stale"); it != url->params().end()) stale = (*it).value == "true";
    std::optional<std::string> expected;
    if (auto it = url->params().find("expect"); it != url->params().end()) expected = std::string((*it).value);
    co_return co_await database(request, segments, stale, std::move(expected));
  }
  if (segments == std::vector<std::string>{"health"}) {
    route_label = "/health";
    if (method != "GET") co_return method_not_allowed(method, "GET");
    co_return HttpResponse{200, R"({"status":"ok"})"};
  }
  if (segments == std::vector<std::string>{"metrics"}) {
    route_label = "/metrics";
    if (method != "GET") co_return method_not_allowed(method, "GET");
    co_return HttpResponse{200, metrics_.render(), "text/plain; version=0.0.4"};
  }
  // Everything below is admin or peer: the cluster secret guards it.
  if (!authorized(request)) co_return unauthorized();
  if (first == "admin" && segments.size() == 2) {
    route_label = "/admin/" + segments[1];
    if (segments[1] != "dump" && segments[1] != "clean" && segments[1] != "status" && segments[1] != "events") {
      route_label = "unknown";
      co_return error_response(404, "unknown_route", "No route " + request.target);
    }
    if (method != "GET") co_return method_not_allowed(method, "GET");
    if (segments[1] == "events")
      co_return open_events ? open_events(request) : error_response(404, "unknown_route", "No event stream here");
    // The dashboard's periodic dumps: ?quiet (not printed on the node's console) and
    // ?versions (each copy's version, where the mode keeps one).
    if (segments[1] == "dump" && url->params().contains("versions"))
      co_return HttpResponse{200, boost::json::serialize(mode_.dump_with_versions())};
    co_return admin(segments[1], url->params().contains("quiet"));
  }
  route_label = "peer";
  PeerRequest peer_request{method, request.target, request.body};
  auto reply = co_await peer_handler_(std::move(peer_request));
  co_return HttpResponse{reply.status, std::move(reply.body)};
}

asio::awaitable<HttpResponse> Router::database(const HttpRequest& request, const std::vector<std::string>& segments,
                                               bool stale, std::optional<std::string> expected) {
  const auto& method = request.method;
  if (segments.size() != 2 && segments.size() != 3)
    co_return error_response(404, "unknown_route", "Use /database/:key or /database/:key/:val");
  const bool with_value = segments.size() == 3;
  if (with_value && method != "POST") co_return method_not_allowed(method, "POST");
  if (!with_value && method != "GET" && method != "PUT" && method != "DELETE")
    co_return method_not_allowed(method, "GET, PUT or DELETE");
  const auto& key = segments[1];
  if (auto bad = check_key(key)) co_return reply_for(*bad, 0, key);
  if (shutting_down_) co_return error_response(503, "shutting_down", "This node is shutting down");
  if (method != "GET" && storage_full && storage_full())  // definitely not applied: nothing started
    co_return error_response(507, "storage_full",
                             "This node's disk is full: nothing was written. Reads go on; writes resume by "
                             "themselves once space is freed");

  if (method == "GET") co_return reply_for(co_await mode_.get(key, stale), 200, key);
  if (method == "DELETE") co_return reply_for(co_await mode_.remove(key), 200, key);
  const auto& value = with_value ? segments[2] : request.body;
  if (with_value && value.empty())
    co_return error_response(400, "empty_value", "Value must not be empty in POST /database/:key/:val");
  if (auto bad = check_value(value)) co_return reply_for(*bad, 0, key);
  if (expected && method != "PUT")
    co_return error_response(400, "bad_request", "?expect= goes with PUT /database/:key only");
  if (expected) {
    if (auto bad = check_value(*expected)) co_return reply_for(*bad, 0, key);
    co_return reply_for(co_await mode_.put_if(key, value, *expected), 201, key);
  }
  co_return reply_for(co_await mode_.put(key, value), 201, key);
}

HttpResponse Router::admin(const std::string& action, bool quiet) {
  if (action == "dump") {
    auto body = boost::json::serialize(mode_.dump());
    if (!quiet) std::cout << escaped(body) << std::endl;  // the original printed the store on the node's console
    return {200, body};
  }
  if (action == "clean") {
    std::cout << std::string(25, '\n') << std::flush;
    return {200, R"({"cleaned":true})"};
  }
  auto answer = status();
  answer["in_flight"] = in_flight_ - 1;  // not counting this request
  return {200, boost::json::serialize(answer)};
}

boost::json::object Router::status() const {
  auto status = mode_.status();
  status["node"] = config_.membership.self + 1;
  status["address"] = config_.membership.me().address();
  status["mode"] = config_.mode;
  status["in_flight"] = in_flight_;
  status["shutting_down"] = shutting_down_;
  status["storage_full"] = storage_full && storage_full();
  if (add_status) add_status(status);
  return status;
}

}  // namespace sysdist
