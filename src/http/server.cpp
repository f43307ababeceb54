#include "http/server.hpp"

#include <list>
#include <set>
#include <stdexcept>
#include <vector>

#include "common/clock.hpp"
#include "common/limits.hpp"
#include "common/net.hpp"
#include "common/logging.hpp"
#include "http/sse_body.hpp"

namespace sysdist {

namespace {

enum Kind { client = 0, peer = 1 };

// An address, or what a name resolves to now (empty when it does not).
std::vector<asio::ip::address> addresses_of(const asio::any_io_executor& executor, const std::string& host) {
  boost::system::error_code ec;
  auto literal = asio::ip::make_address(host == "[::]" ? "::" : host, ec);
  if (!ec) return {literal};
  tcp::resolver resolver(executor);
  std::vector<asio::ip::address> found;
  for (const auto& entry : resolver.resolve(host, "0", ec)) found.push_back(entry.endpoint().address());
  return found;
}
const char* kind_name(Kind kind) { return kind == peer ? "peer" : "client"; }

// One open connection, for its budget: idle while it waits for the first byte of a request.
struct Slot {
  beast::tcp_stream* stream;
  bool idle = true;
  Clock::time_point idle_since = Clock::now();
  bool closing = false;  // closed to make room; its coroutine has not ended yet
};

class BeastServer final : public HttpServer {
 public:
  BeastServer(asio::any_io_executor executor, const std::string& host, unsigned short port, RequestHandler& router,
              ConnectionBudgets budgets, const Membership& membership, Metrics& metrics)
      : acceptor_(executor), router_(router), sys_id_(std::to_string(port)), metrics_(metrics) {
    budget_[client] = budgets.clients;
    budget_[peer] = budgets.peers;
    for (const auto& member : membership.members)  // peers connect from their member address
      for (const auto& address : addresses_of(executor, member.host)) member_addresses_.insert(address);
    const auto bound = addresses_of(executor, host);
    if (bound.empty()) throw std::runtime_error("cannot resolve " + host);
    tcp::endpoint endpoint(bound.front(), port);
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
  boost::json::object connections() const override {
    return {{"clients", open_[client]}, {"peers", open_[peer]},
            {"client_budget", budget_[client]}, {"peer_budget", budget_[peer]}};
  }

 private:
  asio::awaitable<void> accept_loop() {
    Timer backoff(acceptor_.get_executor());
    while (acceptor_.is_open()) {
      auto [ec, socket] = co_await acceptor_.async_accept(use_tuple);
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
      if (ec == asio::error::no_descriptors || ec == boost::system::errc::too_many_files_open_in_system ||
          ec == asio::error::no_buffer_space || ec == asio::error::no_memory) {
        // Out of descriptors for a moment: pause instead of spinning on the same error.
        metrics_.count("sysdist_http_accept_errors_total", "");
        backoff.expires_after(limits::accept_backoff);
        co_await backoff.async_wait(use_tuple);
        continue;
      }
      boost::system::error_code remote_ec;
      const auto remote = socket.remote_endpoint(remote_ec);
      if (ec || remote_ec) continue;
      const auto kind = member_addresses_.contains(remote.address()) ? peer : client;
      if (!make_room(kind)) {
        metrics_.count("sysdist_http_connections_refused_total", std::string("kind=\"") + kind_name(kind) + "\"");
        continue;  // the socket closes here
      }
      asio::co_spawn(acceptor_.get_executor(), serve(beast::tcp_stream(std::move(socket)), kind),
                     log_failure("connection"));
    }
  }

  // A connection of `kind` may open when its budget has room, or once the oldest idle
  // connection of that kind is closed; otherwise it is refused.
  bool make_room(Kind kind) {
    if (open_[kind] < budget_[kind]) return true;
    Slot* oldest = nullptr;
    for (auto& slot : slots_[kind])
      if (slot.idle && !slot.closing && (!oldest || slot.idle_since < oldest->idle_since)) oldest = &slot;
    if (!oldest) return false;
    oldest->closing = true;
    --open_[kind];
    boost::system::error_code ignored;
    oldest->stream->socket().close(ignored);  // its coroutine ends on its next turn
    metrics_.count("sysdist_http_connections_evicted_total", std::string("kind=\"") + kind_name(kind) + "\"");
    return true;
  }

  // Waits for the first bytes of the next request; meanwhile the connection is idle.
  asio::awaitable<bool> first_bytes(beast::tcp_stream& stream, beast::flat_buffer& buffer, Slot& slot) {
    slot.idle = true;
    slot.idle_since = Clock::now();
    stream.expires_after(limits::request_read_timeout);  // also the idle keep-alive timeout
    auto [ec, bytes] = co_await stream.async_read_some(buffer.prepare(4096), use_tuple);
    buffer.commit(bytes);
    slot.idle = false;
    co_return !ec && !slot.closing;
  }

  // Reads requests until the client closes, times out, asks to close or is closed for room.
  asio::awaitable<void> serve(beast::tcp_stream stream, Kind kind) {
    auto& slots = slots_[kind];
    auto slot = slots.insert(slots.end(), Slot{&stream});
    ++open_[kind];
    struct Release {  // gives the slot back however this coroutine ends
      BeastServer& server;
      Kind kind;
      std::list<Slot>::iterator slot;
      ~Release() {
        if (!slot->closing) --server.open_[kind];
        server.slots_[kind].erase(slot);
      }
    } release{*this, kind, slot};
    beast::flat_buffer buffer;
    for (;;) {
      if (buffer.size() == 0 && !co_await first_bytes(stream, buffer, *slot)) break;
      http::request_parser<http::string_body> parser;
      parser.header_limit(limits::max_header_bytes);
      parser.body_limit(limits::max_peer_body_bytes);  // the largest; lowered per route below
      stream.expires_after(limits::request_read_timeout);
      auto [read_ec, bytes] = co_await http::async_read_header(stream, buffer, parser, use_tuple);
      if (!read_ec) {
        // The route decides the body limit, and a missing secret is refused before any body is read.
        const auto& head = parser.get();
        HttpRequest view{std::string(head.method_string()), std::string(head.target()), "",
                         std::string(head["X-Sys-Secret"]), "", std::string(head[http::field::host]),
                         std::string(head["X-Requested-With"])};
        auto refusal = router_.refuse_before_body(view);
        const auto limit = router_.body_limit_for(head.target());
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
                       std::string(request["X-Sys-Secret"]), std::string(request["Last-Event-ID"]),
                       std::string(request[http::field::host]), std::string(request["X-Requested-With"])};
      auto response = co_await router_.handle(std::move(view));
      if (response.stream) {
        slot->idle = false;  // a stream is never idle: it is not closed to make room
        co_await send_stream(stream, response);
        break;
      }
      if (!co_await send(stream, response, request.keep_alive()) || !request.keep_alive()) break;
    }
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  asio::awaitable<bool> send(beast::tcp_stream& stream, const HttpResponse& response, bool keep_alive) {
    http::response<http::string_body> message{static_cast<http::status>(response.status), 11};
    message.set("X-Sys-Id", sys_id_);
    if (!response.body.empty() || response.status >= 400) message.set(http::field::content_type, response.content_type);
    for (const auto& [name, value] : response.headers) message.set(name, value);
    message.keep_alive(keep_alive);
    message.body() = response.body;
    message.prepare_payload();
    stream.expires_after(limits::response_write_timeout);
    auto [ec, written] = co_await http::async_write(stream, message, use_tuple);
    co_return !ec;
  }

  // Server-Sent Events: the head, then each piece as the stream yields it, until it ends or
  // the client stops reading (a write that times out ends it).
  asio::awaitable<void> send_stream(beast::tcp_stream& stream, const HttpResponse& response) {
    auto& body = *response.stream;
    http::response<http::empty_body> head{http::status::ok, 11};
    head.set("X-Sys-Id", sys_id_);
    head.set(http::field::content_type, sse_content_type);
    head.set(http::field::cache_control, "no-store");
    for (const auto& [name, value] : response.headers) head.set(name, value);
    head.keep_alive(false);
    http::response_serializer<http::empty_body> serializer(head);
    stream.expires_after(limits::response_write_timeout);
    auto [ec, written] = co_await http::async_write_header(stream, serializer, use_tuple);
    while (!ec) {
      auto piece = co_await body.next();
      if (!piece) break;
      stream.expires_after(limits::response_write_timeout);
      std::tie(ec, written) = co_await asio::async_write(stream, asio::buffer(*piece), use_tuple);
    }
  }

  tcp::acceptor acceptor_;
  RequestHandler& router_;
  std::string sys_id_;
  Metrics& metrics_;
  std::set<asio::ip::address> member_addresses_;
  std::size_t budget_[2] = {}, open_[2] = {};
  std::list<Slot> slots_[2];  // by kind, oldest first
};

}  // namespace

std::unique_ptr<HttpServer> start_http_server(asio::any_io_executor executor, const std::string& host,
                                              unsigned short port, RequestHandler& router, ConnectionBudgets budgets,
                                              const Membership& membership, Metrics& metrics) {
  return std::make_unique<BeastServer>(std::move(executor), host, port, router, budgets, membership, metrics);
}

}  // namespace sysdist
