// ResponseReader: the load generator's HTTP/1.1 response parser, allocation-free: it only
// needs the status, whether the connection stays open, and where the response ends
// (Content-Length or chunked). Feed it the bytes read so far; it says how many it used
// once a whole response is there. Pure; the HTTP servers it reads are the systems under test.
#pragma once
#include <cstddef>
#include <optional>
#include <string_view>

namespace sysdist::bench {

struct Response {
  int status = 0;
  bool keep_alive = true;
  std::size_t size = 0;  // bytes of the whole response (head and body)
};

// A whole response at the start of `bytes`, nullopt while incomplete; a malformed or
// oversized head gives status -1.
std::optional<Response> read_response(std::string_view bytes, std::size_t max_head_bytes = 16 * 1024);

}  // namespace sysdist::bench
