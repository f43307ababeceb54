#include "tools/check/http_client.hpp"

#include <boost/json.hpp>

#include "common/net.hpp"
#include "tools/check/options.hpp"

namespace sysdist::check {

struct Connection::State {
  State(asio::any_io_executor ex, int node) : executor(std::move(ex)), node(node) {}
  asio::any_io_executor executor;
  int node;
  std::unique_ptr<beast::tcp_stream> stream;
  beast::flat_buffer buffer;

  asio::awaitable<boost::system::error_code> connect(std::chrono::milliseconds timeout) {
    auto [resolve_ec, to] = co_await resolve_endpoint(host_of(node), static_cast<unsigned short>(port_of(node)));
    if (resolve_ec) co_return resolve_ec;
    stream = std::make_unique<beast::tcp_stream>(executor);
    boost::system::error_code ec;
    stream->socket().open(to.protocol());
    // To a loopback node, from 127.0.0.254 (freezing node 1 then does not cut the checker off).
    if (to.address().is_v4() && to.address().is_loopback())
      stream->socket().bind({asio::ip::make_address("127.0.0.254"), 0}, ec);
    if (ec) stream->socket().close(), stream->socket().open(to.protocol());  // outside a namespace
    stream->expires_after(timeout);
    std::tie(ec) = co_await stream->async_connect(to, use_tuple);
    if (ec) stream.reset();
    co_return ec;
  }
};

Connection::Connection(asio::any_io_executor executor, int node)
    : state_(std::make_unique<State>(std::move(executor), node)) {}
Connection::~Connection() = default;

asio::awaitable<Answer> Connection::request(std::string method, std::string target, std::string body,
                                            std::chrono::milliseconds timeout) {
  auto& s = *state_;
  Answer answer;
  if (!s.stream) {
    answer.error = co_await s.connect(timeout);
    if (answer.error) co_return answer;  // nothing was sent
  }
  http::request<http::string_body> message{http::string_to_verb(method), target, 11};
  message.set(http::field::host, host_of(s.node));
  // Admin routes (status, dumps) need the cluster secret when there is one.
  if (const char* secret = std::getenv("SYSDIST_SECRET"); secret && *secret) message.set("X-Sys-Secret", secret);
  message.keep_alive(true);
  message.body() = std::move(body);
  message.prepare_payload();
  answer.sent = true;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 << 20);  // dumps of a busy node are large
  s.stream->expires_after(timeout);
  std::tie(answer.error, std::ignore) = co_await http::async_write(*s.stream, message, use_tuple);
  if (!answer.error) std::tie(answer.error, std::ignore) = co_await http::async_read(*s.stream, s.buffer, parser, use_tuple);
  if (answer.error) {
    s.stream.reset();
    s.buffer.clear();
    co_return answer;
  }
  answer.status = static_cast<int>(parser.get().result_int());
  answer.body = std::move(parser.get().body());
  if (!parser.get().keep_alive()) s.stream.reset();
  co_return answer;
}

std::optional<std::string> http_get(int node, const std::string& path, std::chrono::milliseconds timeout) {
  asio::io_context io(1);
  Connection connection(io.get_executor(), node);
  std::optional<Answer> answer;
  std::string method = "GET", target = path, body;  // named: g++ 12 mishandles temporaries as coroutine arguments
  auto exchange = connection.request(std::move(method), std::move(target), std::move(body), timeout);
  asio::co_spawn(io, std::move(exchange), [&](std::exception_ptr e, Answer a) {
    if (!e) answer = std::move(a);
  });
  io.run();
  if (!answer || answer->error || answer->status < 200 || answer->status > 299) return std::nullopt;
  return std::move(answer->body);
}

std::optional<boost::json::object> get_json(int node, const std::string& path) {
  auto text = http_get(node, path);
  if (!text) return std::nullopt;
  boost::system::error_code ec;
  auto v = boost::json::parse(*text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return v.as_object();
}

}  // namespace sysdist::check
