// NodeFeed: the dashboard's subscription to one node's /admin/events, for as long as the
// dashboard runs. It sends from 127.0.0.254 (so freezing node 1, whose address plain
// clients leave from, does not cut it off), with the cluster secret, resumes with
// Last-Event-ID after a break, and hands every event to the Hub. A node that stops
// talking (frozen, paused, killed: its heartbeat comes four times a second) is reported as a
// `feed` event {"connected":false,"why"} within feed_silence, then retried every
// feed_retry. Every event is checked (size, JSON object) before it is passed on.
#pragma once
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "tools/dash/hub.hpp"

namespace sysdist::dash {

struct NodeAddress {
  std::string host;
  unsigned short port = 0;
};

boost::asio::awaitable<void> follow_node(int node, NodeAddress address, std::string secret, Hub& hub);

}  // namespace sysdist::dash
