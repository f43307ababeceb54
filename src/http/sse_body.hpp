// sse_body(): an EventBus subscriber as an HTTP body (Server-Sent Events): a reconnect hint,
// then a snapshot (built when it is sent, and again after a gap, preceded by a `gap` event),
// then the bus's frames as they come. Used by the nodes' /admin/events and the dashboard.
#pragma once
#include <functional>
#include <memory>

#include <boost/json/object.hpp>

#include "common/event_bus.hpp"
#include "http/reply.hpp"

namespace sysdist {

std::shared_ptr<BodyStream> sse_body(std::shared_ptr<EventBus::Subscriber> subscriber, EventBus& bus,
                                     std::function<boost::json::object()> snapshot);

// The head every event stream answers with (the server adds the rest).
inline constexpr std::string_view sse_content_type = "text/event-stream";

}  // namespace sysdist
