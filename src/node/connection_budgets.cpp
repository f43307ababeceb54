#include "node/connection_budgets.hpp"

#include <sys/resource.h>

#include <algorithm>

#include "common/limits.hpp"

namespace sysdist {

ConnectionBudgets connection_budgets(std::size_t fd_limit, std::size_t members, std::size_t max_clients) {
  const auto peers = members > 0 ? members - 1 : 0;
  const std::size_t reserve = limits::storage_open_files +
                              peers * (limits::max_idle_peer_connections + limits::max_batch_calls) +
                              limits::descriptor_margin;
  const auto available = fd_limit > reserve ? fd_limit - reserve : 0;
  ConnectionBudgets budgets;
  budgets.fd_limit = fd_limit;
  budgets.peers = std::clamp<std::size_t>(available / 4, 16, limits::max_peer_connections);
  budgets.clients = std::clamp<std::size_t>(available > budgets.peers ? available - budgets.peers : 0, 16,
                                            limits::max_client_connections);
  if (max_clients > 0) budgets.clients = std::min(budgets.clients, max_clients);
  return budgets;
}

std::size_t raise_fd_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  return limit.rlim_cur == RLIM_INFINITY ? 1 << 20 : static_cast<std::size_t>(limit.rlim_cur);
}

std::string describe(const ConnectionBudgets& b) {
  return "file descriptors " + std::to_string(b.fd_limit) + ": up to " + std::to_string(b.clients) +
         " client and " + std::to_string(b.peers) + " peer connections, " + std::to_string(limits::storage_open_files) +
         " storage files";
}

}  // namespace sysdist
