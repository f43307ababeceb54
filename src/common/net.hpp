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
}  // namespace sysdist
