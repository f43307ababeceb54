// Connection budgets: how many inbound connections a node keeps open, for clients and for
// peers separately, so that clients can never starve the cluster (a client hoarding
// connections fills the client budget only; peers are recognized by their address, since
// peers bind their own member address before connecting).
//
// Derived from the file-descriptor limit, which the node raises to its hard limit at start:
// first a reserve for storage (RocksDB's open files), the node's own peer pools and a
// margin; of the rest a quarter (at most 1,024) for peers and the remainder (at most
// 16,384) for clients. --max-client-connections lowers the client budget.
#pragma once
#include <cstddef>
#include <string>

namespace sysdist {

struct ConnectionBudgets {
  std::size_t clients = 0, peers = 0;
  std::size_t fd_limit = 0;  // what they were derived from
};

// Pure: the budgets for `fd_limit` descriptors in a cluster of `members`.
ConnectionBudgets connection_budgets(std::size_t fd_limit, std::size_t members, std::size_t max_clients = 0);

// Raises RLIMIT_NOFILE's soft limit to its hard limit; returns the limit now in force.
std::size_t raise_fd_limit();

std::string describe(const ConnectionBudgets& budgets);

}  // namespace sysdist
