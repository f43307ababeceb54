// Batch format: several peer calls to one peer in one HTTP request to /peer/batch, and
// their replies in one response (see batching_transport.hpp for when batches form).
//
// Not JSON, so the bodies (JSON themselves) travel without escaping. A request body is
// a sequence of   "<METHOD> <target> <length>\n<body of length bytes>"
// and the reply body, in the same order, of   "<status> <length>\n<body>".
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "peer/transport.hpp"

namespace sysdist {

inline constexpr std::string_view batch_target = "/peer/batch";

std::string encode_requests(const std::vector<PeerRequest>& requests);
std::string encode_replies(const std::vector<PeerReply>& replies);
// nullopt when the text is not a well-formed batch or holds more than limits::max_batch_calls.
std::optional<std::vector<PeerRequest>> decode_requests(std::string_view text);
std::optional<std::vector<PeerReply>> decode_replies(std::string_view text);

// How many bytes a request adds to a batch (to keep batches under the body limit).
std::size_t encoded_size(const PeerRequest& request);

}  // namespace sysdist
