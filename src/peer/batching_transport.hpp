// Batching: many concurrent calls to one peer travel as one request.
//
// Up to `direct_in_flight` calls per peer go out alone, as they come. A call made while
// that many are in flight waits; when one of them finishes, or at the latest once the event
// loop has run the handlers already ready, every call waiting for that peer leaves
// together as one POST /peer/batch (batch_format.hpp), which counts as one call in flight. Under light load nothing changes; under heavy load the per-message work
// (syscalls, wake-ups, HTTP parsing), which limits a loaded node, is paid once per batch.
// Each call keeps its own deadline and cancellation; one that gave up before its batch
// left is not sent. Ordering is as before: none between calls.
//
// serve_batches() is the receiving side: it runs a batch's calls concurrently through
// the node's peer handler and answers all replies at once.
#pragma once
#include <memory>

#include "common/metrics.hpp"
#include "peer/transport.hpp"

namespace sysdist {

// direct_in_flight == 0 turns batching off (every call goes out alone).
std::unique_ptr<Transport> make_batching_transport(std::unique_ptr<Transport> inner, std::size_t direct_in_flight,
                                                   Metrics& metrics);

PeerHandler serve_batches(PeerHandler inner);

}  // namespace sysdist
