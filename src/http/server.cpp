#include "http/server.hpp"

#include "common/limits.hpp"
#include "common/net.hpp"
#include "node/logging.hpp"

namespace sysdist {

namespace {

class BeastServer final : public HttpServer {
 public:
  BeastServer(asio::any_io_executor executor, const std::string& host, unsigned short port, Router& router)
      : acceptor_(executor), router_(router), sys_id_(std::to_string(port)) {
    tcp::endpoint endpoint(asio::ip::make_address(host), port);
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen();
    asio::co_spawn(executor, accept_loop(), log_failure("accept loop"));
  }

  void stop_accepting() override {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
  }
  std::size_t open_connections() const override { return connections_; }

 private:
  asio::awaitable<void> accept_loop() {
    while (acceptor_.is_open()) {
      auto [ec, socket] = co_await acceptor_.async_accept(use_tuple);
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
      if (ec) continue;                                       // e.g. out of file descriptors for a moment
      if (connections_ >= limits::max_connections) continue;  // socket closes here
      asio::co_spawn(acceptor_.get_executor(), serve(beast::tcp_stream(std::move(socket))), log_failure("connection"));
    }
  }

  // Reads requests until the client closes, times out or asks to close.
  asio::awaitable<void> serve(beast::tcp_stream stream) {
    struct Counted {  // counts the connection for as long as this coroutine lives
      std::size_t& n;
      explicit Counted(std::size_t& count) : n(count) { ++n; }
      ~Counted() { --n; }
    } counted(connections_);
    beast::flat_buffer buffer;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(limits::max_header_bytes);
      parser.body_limit(limits::max_peer_body_bytes);  // the largest; lowered per route below
      stream.expires_after(limits::request_read_timeout);
      auto [read_ec, bytes] = co_await http::async_read_header(stream, buffer, parser, use_tuple);
      if (!read_ec) {
        // The route decides the body limit, and a missing secret is refused before any body is read.
        const auto& head = parser.get();
        HttpRequest view{std::string(head.method_string()), std::string(head.target()), "",
                         std::string(head["X-Sys-Secret"])};
        auto refusal = router_.refuse_before_body(view);
        const auto limit = Router::body_limit_for(head.target());
        if (!refusal && parser.content_length().value_or(0) > limit)
          refusal = error_response(413, "too_large", "Body over the limit");
        if (refusal) {
          co_await send(stream, *refusal, false);
          break;
        }
        parser.body_limit(limit);  // a chunked body is checked as it arrives
      }
      // curl asks before sending bodies over 1 KiB and waits a second for the answer.
      if (!read_ec && parser.get()[http::field::expect] == "100-continue" && !parser.is_done()) {
        http::response<http::empty_body> go_on{http::status::continue_, 11};
        std::tie(read_ec, std::ignore) = co_await http::async_write(stream, go_on, use_tuple);
      }
      if (!read_ec && !parser.is_done())
        std::tie(read_ec, std::ignore) = co_await http::async_read(stream, buffer, parser, use_tuple);
      if (read_ec) {
        if (read_ec == http::error::body_limit)
          co_await send(stream, error_response(413, "too_large", "Body over the limit"), false);
        else if (read_ec == http::error::header_limit)
          co_await send(stream, error_response(431, "headers_too_large", "Headers over the limit"), false);
        else if (read_ec != http::error::end_of_stream && read_ec != beast::error::timeout &&
                 read_ec != asio::error::eof && read_ec != asio::error::connection_reset &&
                 read_ec != asio::error::operation_aborted)
          co_await send(stream, error_response(400, "bad_request", "Malformed HTTP request: " + read_ec.message()),
                        false);
        break;
      }
      auto request = parser.release();
      HttpRequest view{std::string(request.method_string()), std::string(request.target()), std::move(request.body()),
                       std::string(request["X-Sys-Secret"])};
      auto response = co_await router_.handle(std::move(view));
      if (!co_await send(stream, response, request.keep_alive()) || !request.keep_alive()) break;
    }
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  asio::awaitable<bool> send(beast::tcp_stream& stream, const HttpResponse& response, bool keep_alive) {
    http::response<http::string_body> message{static_cast<http::status>(response.status), 11};
    message.set("X-Sys-Id", sys_id_);
    if (!response.body.empty() || response.status >= 400) message.set(http::field::content_type, response.content_type);
    message.keep_alive(keep_alive);
    message.body() = response.body;
    message.prepare_payload();
    stream.expires_after(limits::response_write_timeout);
    auto [ec, written] = co_await http::async_write(stream, message, use_tuple);
    co_return !ec;
  }

  tcp::acceptor acceptor_;
  Router& router_;
  std::string sys_id_;
  std::size_t connections_ = 0;
};

}  // namespace

std::unique_ptr<HttpServer> start_http_server(asio::any_io_executor executor, const std::string& host,
                                              unsigned short port, Router& router) {
  return std::make_unique<BeastServer>(std::move(executor), host, port, router);
}

}  // namespace sysdist
