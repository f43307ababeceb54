#include "peer/batch_format.hpp"

#include <charconv>

#include "common/limits.hpp"

namespace sysdist {

namespace {
void append_item(std::string& out, std::string_view head1, std::string_view head2, std::string_view body) {
  out.append(head1).append(" ");
  if (!head2.empty()) out.append(head2).append(" ");
  out.append(std::to_string(body.size())).append("\n").append(body);
}

bool parse_number(std::string_view text, std::size_t& number) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

// Splits one "<fields...> <length>\n<body>" item off the front of `text`; `fields` gets the
// header words before the length.
bool next_item(std::string_view& text, std::vector<std::string_view>& fields, std::string_view& body) {
  const auto newline = text.find('\n');
  if (newline == std::string_view::npos) return false;
  std::string_view header = text.substr(0, newline);
  fields.clear();
  while (!header.empty()) {
    const auto space = header.find(' ');
    fields.push_back(header.substr(0, space));
    header = space == std::string_view::npos ? std::string_view() : header.substr(space + 1);
  }
  std::size_t length = 0;
  if (fields.empty() || !parse_number(fields.back(), length)) return false;
  fields.pop_back();
  text.remove_prefix(newline + 1);
  if (length > text.size()) return false;
  body = text.substr(0, length);
  text.remove_prefix(length);
  return true;
}
}  // namespace

std::size_t encoded_size(const PeerRequest& request) {
  return request.method.size() + request.target.size() + request.body.size() + 24;
}

std::string encode_requests(const std::vector<PeerRequest>& requests) {
  std::string out;
  std::size_t size = 0;
  for (const auto& r : requests) size += encoded_size(r);
  out.reserve(size);
  for (const auto& r : requests) append_item(out, r.method, r.target, r.body);
  return out;
}

std::string encode_replies(const std::vector<PeerReply>& replies) {
  std::string out;
  for (const auto& r : replies) append_item(out, std::to_string(r.status), {}, r.body);
  return out;
}

std::optional<std::vector<PeerRequest>> decode_requests(std::string_view text) {
  std::vector<PeerRequest> requests;
  std::vector<std::string_view> fields;
  std::string_view body;
  while (!text.empty()) {
    if (requests.size() == limits::max_batch_calls || !next_item(text, fields, body)) return std::nullopt;
    if (fields.size() != 2 || fields[0].empty() || !fields[1].starts_with('/')) return std::nullopt;
    requests.push_back({std::string(fields[0]), std::string(fields[1]), std::string(body)});
  }
  return requests;
}

std::optional<std::vector<PeerReply>> decode_replies(std::string_view text) {
  std::vector<PeerReply> replies;
  std::vector<std::string_view> fields;
  std::string_view body;
  std::size_t status = 0;
  while (!text.empty()) {
    if (replies.size() == limits::max_batch_calls || !next_item(text, fields, body)) return std::nullopt;
    if (fields.size() != 1 || !parse_number(fields[0], status) || status < 100 || status > 599) return std::nullopt;
    replies.push_back({static_cast<unsigned>(status), std::string(body)});
  }
  return replies;
}

}  // namespace sysdist
