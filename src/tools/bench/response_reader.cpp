#include "tools/bench/response_reader.hpp"

#include <cctype>
#include <charconv>

namespace sysdist::bench {

namespace {
bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}
std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}
// The end of a chunked body starting at `at`, or npos while incomplete (-2 when malformed).
std::size_t chunked_end(std::string_view bytes, std::size_t at) {
  for (;;) {
    const auto line_end = bytes.find("\r\n", at);
    if (line_end == std::string_view::npos) return std::string_view::npos;
    std::size_t size = 0;
    auto [ptr, ec] = std::from_chars(bytes.data() + at, bytes.data() + line_end, size, 16);
    if (ec != std::errc{}) return std::string_view::npos - 1;
    at = line_end + 2;
    if (size == 0) {  // trailers, then an empty line
      const auto end = bytes.find("\r\n", at);
      if (end == std::string_view::npos) return std::string_view::npos;
      if (end == at) return at + 2;
      at = end + 2;
      continue;
    }
    if (bytes.size() < at + size + 2) return std::string_view::npos;
    at += size + 2;
  }
}
}  // namespace

std::optional<Response> read_response(std::string_view bytes, std::size_t max_head_bytes) {
  const auto head_end = bytes.find("\r\n\r\n");
  if (head_end == std::string_view::npos)
    return bytes.size() > max_head_bytes ? std::optional<Response>(Response{-1, false, 0}) : std::nullopt;
  const auto head = bytes.substr(0, head_end);
  Response r;
  // "HTTP/1.1 201 Created"
  if (head.size() < 12 || !head.starts_with("HTTP/1.")) return Response{-1, false, 0};
  auto [ptr, ec] = std::from_chars(head.data() + 9, head.data() + 12, r.status);
  if (ec != std::errc{} || ptr != head.data() + 12 || r.status < 100 || r.status > 599) return Response{-1, false, 0};
  r.keep_alive = head[7] == '1';  // HTTP/1.1 keeps the connection unless told otherwise
  std::optional<std::size_t> length;
  bool chunked = false;
  for (std::size_t at = head.find("\r\n"); at != std::string_view::npos && at < head.size();) {
    const auto next = head.find("\r\n", at + 2);
    const auto line = head.substr(at + 2, (next == std::string_view::npos ? head.size() : next) - at - 2);
    at = next;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const auto name = line.substr(0, colon);
    const auto value = trim(line.substr(colon + 1));
    if (iequals(name, "content-length")) {
      std::size_t n = 0;
      if (std::from_chars(value.data(), value.data() + value.size(), n).ec != std::errc{}) return Response{-1, false, 0};
      length = n;
    } else if (iequals(name, "transfer-encoding")) {
      chunked = iequals(value, "chunked");
    } else if (iequals(name, "connection")) {
      if (iequals(value, "close")) r.keep_alive = false;
      if (iequals(value, "keep-alive")) r.keep_alive = true;
    }
  }
  const auto body = head_end + 4;
  if (chunked) {
    const auto end = chunked_end(bytes, body);
    if (end == std::string_view::npos) return std::nullopt;
    if (end == std::string_view::npos - 1) return Response{-1, false, 0};
    r.size = end;
    return r;
  }
  const auto total = body + length.value_or(0);
  if (bytes.size() < total) return std::nullopt;
  r.size = total;
  return r;
}

}  // namespace sysdist::bench
