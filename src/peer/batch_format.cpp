#include "peer/batch_format.hpp"

#include "common/limits.hpp"
#include "peer/frames.hpp"

namespace sysdist {

std::size_t encoded_size(const PeerRequest& request) {
  return frame_size({request.method, request.target}, request.body.size());
}

std::string encode_requests(const std::vector<PeerRequest>& requests) {
  std::string out;
  std::size_t size = 0;
  for (const auto& r : requests) size += encoded_size(r);
  out.reserve(size);
  for (const auto& r : requests) append_frame(out, {r.method, r.target}, r.body);
  return out;
}

std::string encode_replies(const std::vector<PeerReply>& replies) {
  std::string out;
  for (const auto& r : replies) append_frame(out, {std::to_string(r.status)}, r.body);
  return out;
}

std::optional<std::vector<PeerRequest>> decode_requests(std::string_view text) {
  std::vector<PeerRequest> requests;
  std::vector<std::string_view> fields;
  std::string_view body;
  while (!text.empty()) {
    if (requests.size() == limits::max_batch_calls || !next_frame(text, fields, body)) return std::nullopt;
    if (fields.size() != 2 || fields[0].empty() || !fields[1].starts_with('/')) return std::nullopt;
    requests.push_back({std::string(fields[0]), std::string(fields[1]), std::string(body)});
  }
  return requests;
}

std::optional<std::vector<PeerReply>> decode_replies(std::string_view text) {
  std::vector<PeerReply> replies;
  std::vector<std::string_view> fields;
  std::string_view body;
  std::uint64_t status = 0;
  while (!text.empty()) {
    if (replies.size() == limits::max_batch_calls || !next_frame(text, fields, body)) return std::nullopt;
    if (fields.size() != 1 || !parse_number(fields[0], status) || status < 100 || status > 599) return std::nullopt;
    replies.push_back({static_cast<unsigned>(status), std::string(body)});
  }
  return replies;
}

}  // namespace sysdist
