// HttpTransport: Transport over HTTP/1.1 to real nodes.
//
// One pool of idle keep-alive connections per peer. Outgoing connections bind the node's
// own address first, so traffic from node x leaves from 127.0.0.x and an address-based
// firewall rule (bin/freeze.sh) cuts it in both directions. A call whose connection failed,
// timed out or was cancelled drops that connection; a pooled connection the server closed
// while idle gets one retry on a fresh connection. Every request carries the cluster
// secret when one is set.
#pragma once
#include <memory>

#include <boost/asio/any_io_executor.hpp>

#include "common/membership.hpp"
#include "common/metrics.hpp"
#include "peer/transport.hpp"

namespace sysdist {

std::unique_ptr<Transport> make_http_transport(boost::asio::any_io_executor executor, const Membership& membership,
                                               std::string secret, Metrics& metrics);

}  // namespace sysdist
