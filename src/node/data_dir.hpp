// The data dir's identity: which mode and membership it was created for, and which member
// this node is. Recorded (meta "node/identity") at the first start; a node started on a data
// dir of another mode, membership or member refuses to start, with a message that names
// the dir, what it holds and what to do (a CA transaction log read as AP data would answer
// 404 for every key). Data dirs from before the record are claimed by their next start.
// Called by Node before the mode recovers anything.
#pragma once
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>

#include "node/config.hpp"
#include "storage/store.hpp"

namespace sysdist {

// nullopt when the dir is this node's (recording it if new); otherwise why not.
std::optional<std::string> claim_data_dir(boost::asio::io_context& io, Store& store, const Config& config);

}  // namespace sysdist
