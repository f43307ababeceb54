#include "peer/http_transport.hpp"

#include <spdlog/spdlog.h>

#include "common/clock.hpp"
#include "common/limits.hpp"
#include "common/logging.hpp"
#include "common/net.hpp"
#include "peer/batch_format.hpp"

namespace sysdist {

namespace {
// Beast's streams keep their own steady_clock deadlines: sockets are real I/O, never simulated.
using SocketClock = std::chrono::steady_clock;

class HttpTransport final : public Transport {
 public:
  HttpTransport(asio::any_io_executor executor, const Membership& membership, std::string secret, Metrics& metrics)
      : executor_(std::move(executor)),
        secret_(std::move(secret)),
        metrics_(metrics),
        members_(membership.members),
        idle_(membership.size()),
        health_(membership.size()),
        unresolved_(membership.size(), false) {
    // The node's own address is bound only where it is a loopback one (the one-machine demo:
    // peers tell a member by the address it connects from, and freeze rules match it);
    // between real hosts the host's route picks the source.
    tcp::resolver resolver(executor_);
    boost::system::error_code ec;
    for (const auto& entry : resolver.resolve(membership.me().host, "0", ec))
      if (entry.endpoint().address().is_loopback()) bind_address_ = entry.endpoint().address();
  }

  asio::awaitable<PeerResult> call(std::size_t peer, PeerRequest request, std::chrono::milliseconds timeout) override {
    auto result = co_await call_with_retry(peer, request, timeout);
    const auto outcome = outcome_label(result);
    metrics_.count("sysdist_peer_calls_total", "peer=\"" + std::to_string(peer + 1) + "\",outcome=\"" + outcome + "\"");
    if (outcome != "cancelled") health_[peer] = PeerHealth{outcome, Clock::now()};
    co_return result;
  }

  std::vector<PeerHealth> health() const override { return health_; }

 private:
  using Stream = std::unique_ptr<beast::tcp_stream>;

  static std::string outcome_label(const PeerResult& r) {
    if (r.answered()) return std::to_string(r.reply.status);
    if (r.error == beast::error::timeout) return "timeout";
    if (r.error == asio::error::operation_aborted) return "cancelled";
    return "unreachable";
  }

  asio::awaitable<PeerResult> call_with_retry(std::size_t peer, const PeerRequest& request,
                                              std::chrono::milliseconds timeout) {
    const auto deadline = SocketClock::now() + timeout;
    Stream stream = take_idle(peer);
    const bool pooled = stream != nullptr;
    auto result = co_await exchange(peer, stream, request, deadline);
    const bool closed_while_idle = result.error == http::error::end_of_stream || result.error == asio::error::eof ||
                                   result.error == asio::error::connection_reset ||
                                   result.error == asio::error::broken_pipe;
    if (pooled && closed_while_idle) {
      stream.reset();
      result = co_await exchange(peer, stream, request, deadline);
    }
    co_return result;  // a failed stream is dropped here, never reused
  }

  // One request/response on `stream` (connecting it first when null). On success the
  // connection goes back to the pool; on any error it is dropped.
  asio::awaitable<PeerResult> exchange(std::size_t peer, Stream& stream, const PeerRequest& request,
                                       SocketClock::time_point deadline) {
    if (!stream) {
      // Resolved at every new connection: a restarted container or pod may have a new address.
      const auto& member = members_[peer];
      auto [resolve_ec, to] = co_await resolve_endpoint(member.host, member.port);
      if (resolve_ec) {
        if (!unresolved_[peer])  // told once, until it resolves again
          logger("peer")->warn("cannot resolve node {} ({}): {}; treated as unreachable, retrying", peer + 1,
                               member.host, resolve_ec.message());
        unresolved_[peer] = true;
        co_return PeerResult{resolve_ec, {}};
      }
      unresolved_[peer] = false;
      stream = std::make_unique<beast::tcp_stream>(executor_);
      boost::system::error_code ec;
      stream->socket().open(to.protocol(), ec);
      // Every close resets, discarding unsent data (Beast closes on timeout): otherwise the
      // kernel keeps retransmitting a request we gave up on, and a frozen peer would get it
      // late, after unfreeze, and hold its key locked until it resolved the doubt.
      if (!ec) stream->socket().set_option(asio::socket_base::linger(true, 0), ec);
      if (!ec && bind_address_ && bind_address_->is_v4() == to.address().is_v4())
        stream->socket().bind(tcp::endpoint(*bind_address_, 0), ec);
      if (ec) co_return PeerResult{ec, {}};
      stream->expires_at(deadline);
      auto [connect_ec] = co_await stream->async_connect(to, use_tuple);
      if (connect_ec) co_return PeerResult{connect_ec, {}};
    }
    http::request<http::string_body> message{http::string_to_verb(request.method), request.target, 11};
    message.set(http::field::host, members_[peer].host);
    message.set(http::field::content_type, "application/json");
    if (!secret_.empty()) message.set("X-Sys-Secret", secret_);
    message.keep_alive(true);
    message.body() = request.body;
    message.prepare_payload();

    stream->expires_at(deadline);
    auto [write_ec, written] = co_await http::async_write(*stream, message, use_tuple);
    if (write_ec) co_return PeerResult{write_ec, {}};
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(request.target == batch_target ? limits::max_batch_reply_bytes : limits::max_peer_body_bytes);
    auto [read_ec, read] = co_await http::async_read(*stream, buffer, parser, use_tuple);
    if (read_ec) co_return PeerResult{read_ec, {}};
    auto response = parser.release();
    PeerResult result{{}, PeerReply{response.result_int(), std::move(response.body())}};
    if (response.keep_alive() && idle_[peer].size() < limits::max_idle_peer_connections) {
      stream->expires_never();
      idle_[peer].push_back(std::move(stream));
    }
    co_return result;
  }

  Stream take_idle(std::size_t peer) {
    if (idle_[peer].empty()) return nullptr;
    Stream stream = std::move(idle_[peer].back());
    idle_[peer].pop_back();
    return stream;
  }

  asio::any_io_executor executor_;
  std::string secret_;
  Metrics& metrics_;
  std::vector<Member> members_;
  std::optional<asio::ip::address> bind_address_;
  std::vector<std::vector<Stream>> idle_;
  std::vector<PeerHealth> health_;
  std::vector<bool> unresolved_;  // the name did not resolve at the last try (logged once)
};

}  // namespace

std::unique_ptr<Transport> make_http_transport(asio::any_io_executor executor, const Membership& membership,
                                               std::string secret, Metrics& metrics) {
  return std::make_unique<HttpTransport>(std::move(executor), membership, std::move(secret), metrics);
}

}  // namespace sysdist
