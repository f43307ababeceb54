// Node: one sysdist process. Opens storage, recovers the mode, serves HTTP, and on
// SIGTERM/SIGINT shuts down gracefully: stop accepting, answer 503 to new client requests,
// let in-flight requests finish (bounded by limits::shutdown_drain), stop the mode, then
// close storage (which writes everything queued). A second signal stops at once.
#pragma once
#include "node/config.hpp"

namespace sysdist {

class Node {
 public:
  explicit Node(Config config) : config_(std::move(config)) {}
  // Runs until shutdown; returns the process exit code.
  int run();

 private:
  Config config_;
};

}  // namespace sysdist
