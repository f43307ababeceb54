// The nemesis: faults on a schedule (kill -9 and restart, SIGSTOP/SIGCONT, freeze and
// partition through the scripts of bin/), on its own thread because they block; and the
// progress line. heal() undoes every fault; the destructor heals too.
#pragma once
#include <sys/types.h>

#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "tools/check/options.hpp"
#include "tools/check/workload.hpp"

namespace sysdist::check {

class Nemesis {
 public:
  explicit Nemesis(const Options& options);
  ~Nemesis() { heal(); }

  // Faults every heal_s seconds for fault_s seconds, until `stop`.
  void run(std::atomic<bool>& stop);
  std::string current();
  std::vector<std::string> events() const { return events_; }
  void heal();

 private:
  struct Launch {
    std::vector<std::string> argv, environment;
    std::string cwd, log;
  };

  bool sleep_unless(std::atomic<bool>& stop, double seconds);
  std::string pick(std::vector<std::string> kinds) { return kinds[random_() % kinds.size()]; }
  int random_node() { return static_cast<int>(random_() % node_count) + 1; }
  void note(const std::string& what);
  void script(const std::string& name, const std::string& argument);
  void inject(const std::string& kind);
  // How a node was started, read from /proc before it is killed, to start it again the same way.
  static std::optional<Launch> launch_of(pid_t pid);
  void restart(int node, const Launch& launch);

  const Options& options_;
  std::mt19937 random_;
  std::map<int, pid_t> pids_;
  std::set<int> paused_;
  std::map<int, Launch> killed_;
  bool network_cut_ = false;
  std::mutex mutex_;
  std::string current_ = "none";
  std::vector<std::string> events_;
};

// Prints the workload's progress and the current fault until `stop_at`.
boost::asio::awaitable<void> progress(const Recorder& recorder, Nemesis& nemesis, CheckClock::time_point stop_at);

}  // namespace sysdist::check
