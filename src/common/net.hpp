// net: the Asio/Beast aliases every event-loop .cpp file uses. Include from .cpp files
// only -- never from a header -- so the heavy templates stay out of widely included code.
#pragma once
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace sysdist {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// Completion token that returns (error_code, results...) instead of throwing.
inline constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// host and port as one endpoint: an address as written (no resolver round trip, which Asio
// runs on a thread of its own), a name resolved now, so a host that moved is found again.
inline asio::awaitable<std::tuple<boost::system::error_code, tcp::endpoint>> resolve_endpoint(std::string host,
                                                                                                unsigned short port) {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (!ec) co_return std::tuple{ec, tcp::endpoint(address, port)};
  tcp::resolver resolver(co_await asio::this_coro::executor);
  auto [resolve_ec, found] = co_await resolver.async_resolve(host, std::to_string(port), use_tuple);
  if (!resolve_ec && found.empty()) resolve_ec = asio::error::host_not_found;
  co_return std::tuple{resolve_ec, resolve_ec ? tcp::endpoint() : found.begin()->endpoint()};
}
}  // namespace sysdist
