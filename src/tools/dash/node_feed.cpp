#include "tools/dash/node_feed.hpp"

#include <boost/json/parse.hpp>

#include "common/net.hpp"
#include "tools/dash/sse_parser.hpp"

namespace sysdist::dash {

namespace {
using namespace std::chrono_literals;
constexpr auto feed_connect_timeout = 1s;
constexpr auto feed_silence = 1500ms;  // six missed heartbeats
constexpr auto feed_retry = 500ms;
constexpr std::size_t max_event_bytes = 256 * 1024;

struct Feed {
  int node;
  NodeAddress address;
  std::string secret;
  Hub& hub;
  std::string last_id;
  bool connected = false;  // told the hub it is connected

  // One subscription, until it breaks; returns why.
  asio::awaitable<std::string> follow_once(asio::any_io_executor executor) {
    beast::tcp_stream stream(executor);
    boost::system::error_code ec;
    tcp::resolver resolver(executor);
    auto [resolve_ec, endpoints] = co_await resolver.async_resolve(address.host, std::to_string(address.port), use_tuple);
    if (resolve_ec) co_return "cannot resolve " + address.host + ": " + resolve_ec.message();
    const auto to = endpoints.begin()->endpoint();
    stream.socket().open(to.protocol());
    if (to.address().is_loopback()) stream.socket().bind({asio::ip::make_address("127.0.0.254"), 0}, ec);
    if (ec) stream.socket().close(), stream.socket().open(to.protocol());  // no such address here
    stream.expires_after(feed_connect_timeout);
    std::tie(ec) = co_await stream.async_connect(to, use_tuple);
    if (ec) co_return ec == beast::error::timeout ? "no answer (frozen?)" : ec.message();
    http::request<http::empty_body> request{http::verb::get, "/admin/events", 11};
    request.set(http::field::host, address.host);
    if (!secret.empty()) request.set("X-Sys-Secret", secret);
    if (!last_id.empty()) request.set("Last-Event-ID", last_id);
    stream.expires_after(feed_silence);
    std::tie(ec, std::ignore) = co_await http::async_write(stream, request, use_tuple);
    beast::flat_buffer buffer;
    http::response_parser<http::empty_body> head;
    if (!ec) std::tie(ec, std::ignore) = co_await http::async_read_header(stream, buffer, head, use_tuple);
    if (ec) co_return ec == beast::error::timeout ? "no answer (frozen or paused?)" : ec.message();
    if (head.get().result_int() != 200) co_return "refused the stream: HTTP " + std::to_string(head.get().result_int());
    hub.publish(node, "feed", boost::json::object{{"connected", true}});
    connected = true;
    SseParser parser(max_event_bytes);
    for (;;) {
      for (auto& event : parser.feed({static_cast<const char*>(buffer.data().data()), buffer.size()})) pass_on(event);
      if (parser.failed()) co_return "sent an event over the size limit";
      buffer.consume(buffer.size());
      stream.expires_after(feed_silence);
      auto [read_ec, n] = co_await stream.async_read_some(buffer.prepare(16384), use_tuple);
      if (read_ec) co_return read_ec == beast::error::timeout ? "silent (frozen or paused?)" : read_ec.message();
      buffer.commit(n);
    }
  }

  void pass_on(const SseEvent& event) {
    boost::system::error_code ec;
    auto data = boost::json::parse(event.data, ec);
    if (ec || !data.is_object() || event.type.size() > 32) return;  // not an event of ours: dropped
    if (!event.id.empty()) last_id = event.id.substr(0, 64);
    hub.publish(node, event.type, std::move(data));
  }
};
}  // namespace

asio::awaitable<void> follow_node(int node, NodeAddress address, std::string secret, Hub& hub) {
  Feed feed{node, std::move(address), std::move(secret), hub, {}};
  auto executor = co_await asio::this_coro::executor;
  Timer retry(executor);
  std::string told;
  for (;;) {
    auto why = co_await feed.follow_once(executor);
    if (why != told || feed.connected) hub.publish(node, "feed", boost::json::object{{"connected", false}, {"why", why}});
    told = why;
    feed.connected = false;
    retry.expires_after(feed_retry);
    co_await retry.async_wait(asio::use_awaitable);
  }
}

}  // namespace sysdist::dash
