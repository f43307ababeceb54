// Clients: the simulated users. Each runs one operation at a time against a random node
// (live or not, as a user would) until stopped, and records it in the history the way
// sysdist-check does: invocation and completion in virtual time, the HTTP status the node
// would have answered, ok / fail / info. A client gives up after `timeout` (info); the
// node goes on with the request, as a real one does after a client disconnects.
// Every written value is unique ("c<client>.<n>"), so a value names its write.
#pragma once
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "sim/cluster.hpp"
#include "tools/check/history.hpp"

namespace sysdist::sim {

struct Workload {
  std::vector<std::string> keys{"a", "b", "c"};
  unsigned reads = 4, writes = 4, deletes = 0, cas = 0;  // weights of the operation mix
  unsigned fresh_key_per_mille = 0;  // writes to a key nobody writes again (a lost one stays visible)
  int clients = 4;
  Clock::duration timeout = std::chrono::seconds(1);
  Clock::duration think_max = std::chrono::milliseconds(20);
};

class Clients {
 public:
  Clients(World& world, Cluster& cluster, Workload workload);
  void start();
  void stop() { stopping_ = true; }
  bool idle() const { return running_ == 0; }
  const std::vector<check::Op>& history() const { return history_; }
  const Workload& workload() const { return workload_; }

  // One operation of `process` on `node`, recorded in the history. `value` nullopt with
  // type write is a delete.
  boost::asio::awaitable<check::Op> run(int process, std::size_t node, check::OpType type, std::string key,
                                        std::optional<std::string> value = std::nullopt, std::string expected = "");

 private:
  boost::asio::awaitable<void> client(int process);
  check::Op next_op(int process);
  std::int64_t now_ns() const;

  World& world_;
  Cluster& cluster_;
  Workload workload_;
  bool stopping_ = false;
  int running_ = 0;
  std::uint64_t written_ = 0;
  std::vector<check::Op> history_;
};

}  // namespace sysdist::sim
