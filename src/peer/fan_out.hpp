// Fan-out: call several peers in parallel and gather their replies (need-all rounds and
// K-of-N quorums).
//
// call_all sends one request to each listed peer, each call bounded by `timeout`, and
// completes when every call has finished -- or, when `decisive` is given, as soon as one
// reply makes the round's outcome certain (e.g. a 2PC "no" vote): the calls still running
// are then cancelled and report operation_aborted. Late replies are therefore harmless.
// Results come back in the order of `peers`. Used by every mode's need-all rounds.
#pragma once
#include <vector>

#include "peer/transport.hpp"

namespace sysdist {

using DecisiveReply = std::function<bool(const PeerResult&)>;

boost::asio::awaitable<std::vector<PeerResult>> call_all(Transport& transport, const std::vector<std::size_t>& peers,
                                                         const PeerRequest& request, std::chrono::milliseconds timeout,
                                                         DecisiveReply decisive = {});

// Completes as soon as `needed` peers answered 2xx (cancelling the rest), or when every
// call has finished or timed out. Count the 2xx results to see whether the quorum was met.
boost::asio::awaitable<std::vector<PeerResult>> call_quorum(Transport& transport, const std::vector<std::size_t>& peers,
                                                            const PeerRequest& request,
                                                            std::chrono::milliseconds timeout, std::size_t needed);

}  // namespace sysdist
