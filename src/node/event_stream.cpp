#include "node/event_stream.hpp"

#include <algorithm>

#include "common/limits.hpp"
#include "common/logging.hpp"
#include "common/net.hpp"
#include "http/sse_body.hpp"

namespace sysdist {

namespace {
// At most this many latencies are kept per heartbeat interval; the rest are only counted.
constexpr std::size_t max_latency_sample = 4096;

std::string_view operation_of(const HttpRequest& request) {
  if (request.method == "GET") return "read";
  if (request.method == "DELETE") return "delete";
  if (request.target.find("expect=") != std::string::npos) return "cas";
  return "write";
}

double percentile(std::vector<double>& sample, double p) {
  if (sample.empty()) return 0;
  const auto at = static_cast<std::size_t>(p * static_cast<double>(sample.size() - 1));
  std::nth_element(sample.begin(), sample.begin() + static_cast<std::ptrdiff_t>(at), sample.end());
  return sample[at];
}

}  // namespace

EventStream::EventStream(asio::any_io_executor executor, EventBus& bus, Facts snapshot, Facts links)
    : executor_(std::move(executor)), bus_(bus), snapshot_(std::move(snapshot)), links_(std::move(links)) {}

EventStream::~EventStream() { stop(); }

void EventStream::start() {
  asio::co_spawn(executor_, heartbeat_loop(), log_failure("event heartbeat"));
  set_log_tap([this](std::string_view level, std::string_view component, std::string_view text) {
    bus_.emit("log", [&] { return boost::json::object{{"level", level}, {"component", component}, {"text", text}}; });
  });
}

void EventStream::stop() {
  if (stopped_) return;
  stopped_ = true;
  set_log_tap({});
  bus_.close_all();
}

HttpResponse EventStream::open(const HttpRequest& request) {
  if (stopped_) return error_response(503, "shutting_down", "This node is shutting down");
  auto subscriber = bus_.subscribe(request.last_event_id);
  if (!subscriber)
    return error_response(503, "too_many_subscribers",
                          "Every event stream slot of this node is taken (" +
                              std::to_string(limits::event_subscribers) + "); close one and retry");
  HttpResponse response;
  response.stream = sse_body(std::move(subscriber), bus_, snapshot_);
  return response;
}

void EventStream::client_request(const HttpRequest& request, const HttpResponse& response, double seconds) {
  if (!bus_.listening()) return;
  const double ms = seconds * 1000.0;
  ++statuses_[response.status];
  if (latencies_ms_.size() < max_latency_sample) latencies_ms_.push_back(ms);
  if (!client_gate_.admit()) return;
  auto path = request.target.substr(0, request.target.find('?'));
  bus_.publish("client", {{"op", operation_of(request)},
                          {"target", preview(path)},
                          {"status", response.status},
                          {"ms", std::round(ms * 100) / 100}});
}

boost::json::object EventStream::take_client_tally() {
  boost::json::object by_status;
  for (auto [status, n] : statuses_) by_status[std::to_string(status)] = n;
  boost::json::object tally{{"by_status", std::move(by_status)},
                            {"p50_ms", percentile(latencies_ms_, 0.5)},
                            {"p99_ms", percentile(latencies_ms_, 0.99)}};
  statuses_.clear();
  latencies_ms_.clear();
  return tally;
}

asio::awaitable<void> EventStream::heartbeat_loop() {
  Timer tick(executor_);
  while (!stopped_) {
    std::function<bool()> someone_listens = [this] { return stopped_ || bus_.listening(); };  // named: g++ 12 bug 1
    co_await bus_.changed().wait_until(std::move(someone_listens));
    if (stopped_) break;
    tick.expires_after(limits::event_heartbeat);
    co_await tick.async_wait(use_tuple);
    if (stopped_ || !bus_.listening()) continue;
    auto state = snapshot_();
    state["clients"] = take_client_tally();
    state["links"] = links_();
    bus_.publish("state", state);
  }
}

}  // namespace sysdist
