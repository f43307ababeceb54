// Router: routes, percent-decoding, input limits, methods, the cluster secret, peer batches
// and the one outcome -> HTTP status mapping. Bad input never reaches the mode.
#include "http/router.hpp"

#include <map>

#include <boost/json.hpp>
#include <iostream>
#include <sstream>

#include <boost/test/unit_test.hpp>

#include "common/limits.hpp"
#include "peer/batch_format.hpp"
#include "peer/batching_transport.hpp"
#include "test_support.hpp"

using namespace sysdist;
namespace asio = boost::asio;

namespace {
// A Mode that stores in a map, and answers with `next` when it is set.
class FakeMode final : public Mode {
 public:
  std::map<std::string, std::string> data;
  std::optional<Result> next;
  int calls = 0;

  asio::awaitable<void> start() override { co_return; }
  void stop() override {}
  asio::awaitable<Result> put(std::string key, std::string value) override {
    ++calls;
    if (next) co_return *next;
    data[key] = value;
    co_return Result::ok();
  }
  asio::awaitable<Result> remove(std::string key) override {
    ++calls;
    if (!data.erase(key)) co_return Result::fail(Outcome::not_found, "not_found", "");
    co_return Result::ok();
  }
  asio::awaitable<Result> get(std::string key, bool) override {
    ++calls;
    auto it = data.find(key);
    if (it == data.end()) co_return Result::fail(Outcome::not_found, "not_found", "");
    co_return Result::found(it->second);
  }
  asio::awaitable<PeerReply> handle_peer(PeerRequest request) override {
    ++calls;
    co_return PeerReply{request.target == "/2pc/propose" ? 200u : 404u, "{}"};
  }
  boost::json::object status() const override { return {}; }
  boost::json::object dump() const override {
    boost::json::object o;
    for (auto& [k, v] : data) o[k] = v;
    return o;
  }
};

struct Fixture {
  asio::io_context io;
  FakeMode mode;
  Config config;
  Metrics metrics;
  Router router{mode, serve_batches(peer_routes_of(mode)), config, metrics};
  Fixture() {
    config.membership.members = {{"127.0.0.1", 3001}};
    config.port = 3001;
  }
  HttpResponse send(std::string method, std::string target, std::string body = "", std::string secret = "") {
    HttpRequest request{std::move(method), std::move(target), std::move(body), std::move(secret)};
    return test::run(io, router.handle(std::move(request)));
  }
  std::string field(const HttpResponse& r, const char* name) {
    return std::string(boost::json::parse(r.body).as_object().at(name).as_string());
  }
};
}  // namespace

BOOST_AUTO_TEST_SUITE(router)

BOOST_AUTO_TEST_CASE(post_put_get_delete_follow_the_original_api) {
  Fixture f;
  BOOST_TEST(f.send("POST", "/database/city/Rome").status == 201u);
  auto got = f.send("GET", "/database/city");
  BOOST_TEST(got.status == 200u);
  BOOST_TEST(got.body == R"({"key":"city","val":"Rome"})");
  BOOST_TEST(f.send("PUT", "/database/city", "Paris").status == 201u);
  BOOST_TEST(f.mode.data["city"] == "Paris");
  BOOST_TEST(f.send("DELETE", "/database/city").status == 200u);
  auto missing = f.send("GET", "/database/city");
  BOOST_TEST(missing.status == 404u);
  BOOST_TEST(f.field(missing, "error") == "Value for key city not present");
  BOOST_TEST(f.field(missing, "code") == "not_found");
}

BOOST_AUTO_TEST_CASE(path_segments_are_percent_decoded) {
  Fixture f;
  BOOST_TEST(f.send("POST", "/database/a%2Fb%20c/caf%C3%A9").status == 201u);
  BOOST_TEST(f.mode.data["a/b c"] == "caf\xC3\xA9");
}

BOOST_AUTO_TEST_CASE(bad_input_is_a_clear_error_and_never_reaches_the_mode) {
  Fixture f;
  struct Case {
    const char* method;
    std::string target;
    std::string body;
    unsigned status;
    const char* code;
  };
  const std::vector<Case> cases = {
      {"GET", "/database/%zz", "", 400, "bad_url"},
      {"GET", "/database/%FF", "", 400, "invalid_utf8"},
      {"POST", "/database/" + std::string(limits::max_key_bytes + 1, 'k') + "/v", "", 400, "key_too_long"},
      {"PUT", "/database/k", std::string(limits::max_value_bytes + 1, 'v'), 413, "value_too_long"},
      {"PUT", "/database/k", "\xFF", 400, "invalid_utf8"},
      {"POST", "/database/k/", "", 400, "empty_value"},
      {"GET", "/database/", "", 400, "empty_key"},
      {"PATCH", "/database/k", "", 405, "method_not_allowed"},
      {"GET", "/database/k/v", "", 405, "method_not_allowed"},
      {"POST", "/health", "", 405, "method_not_allowed"},
      {"GET", "/database", "", 404, "unknown_route"},
      {"GET", "/database/a/b/c", "", 404, "unknown_route"},
      {"GET", "/admin/nothing", "", 404, "unknown_route"},
  };
  for (const auto& c : cases) {
    auto r = f.send(c.method, c.target, c.body);
    BOOST_TEST(r.status == c.status, c.method << " " << c.target.substr(0, 40));
    BOOST_TEST(f.field(r, "code") == c.code, c.method << " " << c.target.substr(0, 40));
  }
  BOOST_TEST(f.mode.calls == 0);
}

BOOST_AUTO_TEST_CASE(outcomes_map_to_422_503_504) {
  Fixture f;
  f.mode.next = Result::fail(Outcome::rejected, "conflict", "locked");
  BOOST_TEST(f.send("POST", "/database/k/v").status == 422u);
  f.mode.next = Result::fail(Outcome::unavailable, "no_leader", "no leader");
  BOOST_TEST(f.send("POST", "/database/k/v").status == 503u);
  f.mode.next = Result::fail(Outcome::unknown, "timeout", "maybe");
  auto r = f.send("POST", "/database/k/v");
  BOOST_TEST(r.status == 504u);
  BOOST_TEST(f.field(r, "error") == "maybe");
}

BOOST_AUTO_TEST_CASE(conditional_put_maps_to_412_and_is_refused_where_unsupported) {
  Fixture f;
  auto unsupported = f.send("PUT", "/database/k?expect=old", "new");
  BOOST_TEST(unsupported.status == 400u);  // FakeMode keeps the default: CP-only extension
  BOOST_TEST(f.field(unsupported, "code") == "unsupported");
  BOOST_TEST(f.send("POST", "/database/k/v?expect=old").status == 400u);
  f.mode.next = Result::fail(Outcome::precondition_failed, "precondition_failed", "not the expected value");
  BOOST_TEST(f.send("PUT", "/database/k", "new").status == 412u);
}

BOOST_AUTO_TEST_CASE(secret_guards_admin_and_peer_routes_only) {
  Fixture f;
  f.config.secret = "s3cret";
  BOOST_TEST(f.send("GET", "/admin/dump").status == 401u);
  BOOST_TEST(f.send("POST", "/2pc/propose", "{}").status == 401u);
  BOOST_TEST(f.mode.calls == 0);
  BOOST_TEST(f.send("GET", "/admin/dump", "", "s3cret").status == 200u);
  BOOST_TEST(f.send("POST", "/2pc/propose", "{}", "s3cret").status == 200u);
  BOOST_TEST(f.send("POST", "/database/k/v").status == 201u);  // client routes stay open
  BOOST_TEST(f.send("GET", "/health").status == 200u);
}

BOOST_AUTO_TEST_CASE(the_event_stream_is_an_admin_route_and_dumps_for_the_dashboard_stay_off_the_console) {
  Fixture f;
  f.config.secret = "s3cret";
  int opened = 0;
  f.router.open_events = [&](const HttpRequest&) {
    ++opened;
    return HttpResponse{200, "stream"};
  };
  BOOST_TEST(f.send("GET", "/admin/events").status == 401u);  // the secret, as every admin route
  BOOST_TEST(opened == 0);
  BOOST_TEST(f.send("POST", "/admin/events", "", "s3cret").status == 405u);
  BOOST_TEST(f.send("GET", "/admin/events", "", "s3cret").status == 200u);
  BOOST_TEST(opened == 1);
  // ?quiet&versions: a dump without printing it, in the mode's own shape.
  std::ostringstream console;
  auto* before = std::cout.rdbuf(console.rdbuf());
  const auto quiet = f.send("GET", "/admin/dump?quiet&versions", "", "s3cret");
  const auto loud = f.send("GET", "/admin/dump", "", "s3cret");
  std::cout.rdbuf(before);
  BOOST_TEST(quiet.status == 200u);
  BOOST_TEST(loud.status == 200u);
  BOOST_TEST(console.str() == loud.body + "\n");  // only the plain dump was printed, as the original did
}

BOOST_AUTO_TEST_CASE(the_secret_and_the_body_limit_are_decided_from_the_headers) {
  Fixture f;
  f.config.secret = "s3cret";
  HttpRequest head{"POST", "/2pc/propose", "", "wrong"};
  auto refusal = f.router.refuse_before_body(head);
  BOOST_REQUIRE(refusal.has_value());
  BOOST_TEST(refusal->status == 401u);
  head.secret = "s3cret";
  BOOST_TEST(!f.router.refuse_before_body(head).has_value());
  BOOST_TEST(!f.router.refuse_before_body(HttpRequest{"PUT", "/database/k", "", ""}).has_value());
  BOOST_TEST(f.router.refuse_before_body(HttpRequest{"GET", "/admin/dump", "", ""}).has_value());
  BOOST_TEST(f.mode.calls == 0);
  BOOST_TEST(node_body_limit("/database/k") == limits::max_body_bytes);
  BOOST_TEST(node_body_limit("/admin/status") == limits::max_body_bytes);
  BOOST_TEST(node_body_limit("/raft/append") == limits::max_peer_body_bytes);
  BOOST_TEST(node_body_limit("/peer/batch?x") == limits::max_peer_body_bytes);
}

BOOST_AUTO_TEST_CASE(a_peer_batch_reaches_the_mode_once_per_call_behind_the_secret) {
  Fixture f;
  f.config.secret = "s3cret";
  const auto body = encode_requests({{"POST", "/2pc/propose", "{}"}, {"POST", "/2pc/nothing", "{}"}});
  BOOST_TEST(f.send("POST", std::string(batch_target), body).status == 401u);
  BOOST_TEST(f.mode.calls == 0);
  auto r = f.send("POST", std::string(batch_target), body, "s3cret");
  BOOST_TEST(r.status == 200u);
  BOOST_TEST(f.mode.calls == 2);
  auto replies = decode_replies(r.body);
  BOOST_REQUIRE(replies.has_value());
  BOOST_REQUIRE(replies->size() == 2u);
  BOOST_TEST((*replies)[0].status == 200u);
  BOOST_TEST((*replies)[1].status == 404u);
}

BOOST_AUTO_TEST_CASE(shutting_down_answers_503_to_client_requests) {
  Fixture f;
  f.router.start_shutdown();
  auto r = f.send("POST", "/database/k/v");
  BOOST_TEST(r.status == 503u);
  BOOST_TEST(f.field(r, "code") == "shutting_down");
  BOOST_TEST(f.mode.calls == 0);
}

BOOST_AUTO_TEST_CASE(metrics_count_requests_per_route_and_status) {
  Fixture f;
  f.send("POST", "/database/k/v");
  f.send("GET", "/database/nope");
  auto text = f.send("GET", "/metrics").body;
  BOOST_TEST(text.find(R"(sysdist_http_requests_total{route="/database/:key/:val",method="POST",status="201"} 1)") !=
             std::string::npos);
  BOOST_TEST(text.find(R"(sysdist_http_requests_total{route="/database/:key",method="GET",status="404"} 1)") !=
             std::string::npos);
  BOOST_TEST(text.find("sysdist_http_request_seconds_bucket") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_full_disk_answers_writes_507_and_reads_as_usual) {
  Fixture f;
  f.send("POST", "/database/k/v");
  bool full = true;
  f.router.storage_full = [&] { return full; };
  const auto calls = f.mode.calls;
  for (auto* method : {"POST", "PUT", "DELETE"}) {
    auto r = f.send(method, std::string("/database/k") + (std::string(method) == "POST" ? "/w" : ""), "w");
    BOOST_TEST(r.status == 507u);
    BOOST_TEST(f.field(r, "code") == "storage_full");
  }
  BOOST_TEST(f.mode.calls == calls);  // nothing reached the mode
  BOOST_TEST(f.send("GET", "/database/k").status == 200u);
  BOOST_TEST(f.send("GET", "/admin/status").body.find(R"("storage_full":true)") != std::string::npos);
  full = false;
  BOOST_TEST(f.send("POST", "/database/k/w").status == 201u);
}

BOOST_AUTO_TEST_CASE(invented_methods_add_no_metric_series) {
  Fixture f;
  f.send("BREW", "/database/k");
  f.send("GET", "/metrics");  // so that /metrics itself is counted in both texts compared
  const auto before = f.send("GET", "/metrics").body.size();
  for (int i = 0; i < 200; ++i) f.send("X" + std::string(500, 'A') + std::to_string(i), "/database/k");
  auto text = f.send("GET", "/metrics").body;
  BOOST_TEST(text.size() < before + 200);  // the same series, only counts grew
  BOOST_TEST(text.find("AAAA") == std::string::npos);
  BOOST_TEST(text.find(R"(method="other",status="405"} 201)") != std::string::npos);
  BOOST_TEST(text.find("# HELP sysdist_http_requests_total ") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
