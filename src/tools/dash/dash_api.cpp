#include "tools/dash/dash_api.hpp"

#include <fstream>
#include <regex>
#include <sstream>

#include <boost/json.hpp>

#include "common/checks.hpp"
#include "common/net.hpp"
#include "http/sse_body.hpp"
#include "tools/dash/web_assets.hpp"

namespace sysdist::dash {

namespace json = boost::json;

namespace {
constexpr std::uintmax_t max_replay_bytes = 64 << 20;

// Every answer: only the page's own scripts, styles and connections; never framed.
HttpResponse with_policy(HttpResponse response) {
  response.headers.emplace_back("Content-Security-Policy",
                                "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
                                "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}
HttpResponse json_response(unsigned status, const json::object& body) { return {status, json::serialize(body)}; }
HttpResponse problem(unsigned status, std::string_view why) { return json_response(status, {{"error", why}}); }
}  // namespace

DashApi::DashApi(Hub& hub, Actions& actions, std::set<std::string> allowed_hosts,
                 std::optional<std::filesystem::path> web_dir, std::filesystem::path record_dir)
    : hub_(hub), actions_(actions), allowed_hosts_(std::move(allowed_hosts)), web_dir_(std::move(web_dir)),
      record_dir_(std::move(record_dir)) {}

std::optional<HttpResponse> DashApi::refuse_before_body(const HttpRequest& head) {
  if (!allowed_hosts_.contains(head.host))
    return with_policy(problem(421, "This dashboard answers to its own address only (Host: " +
                                        escaped(head.host.substr(0, 100)) + ")"));
  if (head.method == "POST" && head.requested_with != "sysdist-dash")
    return with_policy(problem(403, "POSTs must carry X-Requested-With: sysdist-dash"));
  return std::nullopt;
}

// The server asked refuse_before_body() already, before reading the body.
asio::awaitable<HttpResponse> DashApi::handle(HttpRequest request) {
  const auto path = request.target.substr(0, request.target.find('?'));
  const auto& method = request.method;
  if (path == "/api/events") {
    if (method != "GET") co_return with_policy(problem(405, "GET only"));
    auto subscriber = hub_.bus().subscribe(request.last_event_id);
    if (!subscriber) co_return with_policy(problem(503, "Too many pages are open on this dashboard"));
    HttpResponse response;
    response.stream = sse_body(std::move(subscriber), hub_.bus(), [this] { return hub_.snapshot(); });
    co_return with_policy(std::move(response));
  }
  if (path == "/api/info" && method == "GET") co_return with_policy(json_response(200, actions_.info()));
  if (path.starts_with("/api/recordings") && method == "GET") co_return with_policy(recordings(path));
  if (path.starts_with("/api/")) {
    if (method != "POST") co_return with_policy(problem(405, "POST only"));
    boost::system::error_code ec;
    auto parsed = json::parse(request.body, ec);
    if (ec || !parsed.is_object()) co_return with_policy(problem(400, "The body must be a JSON object"));
    const auto& body = parsed.as_object();
    ActionResult result{404, {{"error", "No such action"}}};
    if (path == "/api/fault") result = co_await actions_.fault(body);
    if (path == "/api/client") result = co_await actions_.client(body);
    if (path == "/api/load") result = actions_.load(body);
    if (path == "/api/check") result = actions_.check(body);
    co_return with_policy(json_response(result.status, result.body));
  }
  if (method != "GET" && method != "HEAD") co_return with_policy(problem(405, "GET only"));
  co_return with_policy(page(path == "/" ? "/index.html" : path));
}

HttpResponse DashApi::page(const std::string& path) const {
  if (path.find("..") != std::string::npos) return problem(404, "No such page");
  HttpResponse response{200, "", std::string(content_type_of(path))};
  if (web_dir_) {
    std::ifstream file(*web_dir_ / path.substr(1), std::ios::binary);
    if (!file) return problem(404, "No such page");
    std::ostringstream text;
    text << file.rdbuf();
    response.body = text.str();
    return response;
  }
  for (const auto& asset : web_assets())
    if (asset.path == path) {
      response.body = std::string(asset.body);
      return response;
    }
  return problem(404, "No such page");
}

HttpResponse DashApi::recordings(const std::string& path) const {
  static const std::regex name(R"(session-\d{8}-\d{6}\.jsonl)");
  std::error_code ec;
  if (path == "/api/recordings") {
    json::array list;
    for (const auto& entry : std::filesystem::directory_iterator(record_dir_, ec))
      if (std::regex_match(entry.path().filename().string(), name))
        list.push_back(json::object{{"name", entry.path().filename().string()}, {"bytes", entry.file_size(ec)}});
    return json_response(200, {{"recordings", std::move(list)}, {"current", hub_.recording()}});
  }
  constexpr std::string_view prefix = "/api/recordings/";
  const auto file_name = path.starts_with(prefix) ? path.substr(prefix.size()) : std::string();
  if (!std::regex_match(file_name, name)) return problem(404, "No such recording");
  const auto file = record_dir_ / file_name;
  if (std::filesystem::file_size(file, ec) > max_replay_bytes || ec)
    return problem(ec ? 404 : 413, ec ? "No such recording" : "This recording is too large to replay in a page");
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return {200, text.str(), "application/x-ndjson"};
}

}  // namespace sysdist::dash
