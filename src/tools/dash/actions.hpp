// Actions: what the dashboard does to the cluster on a page's behalf, and what it watches.
//  - faults: the bin/ scripts (freeze, unfreeze, pause, resume, kill, restart, partition,
//    heal), one at a time; freeze and partition need root (iptables): without it they are
//    refused with the reason, which /api/info also gives so the page can disable them;
//  - the fault observer: once a second it reads sysdist's iptables chain and each node's
//    process state, so faults started from a terminal appear on the page too (`faults`);
//  - client operations through any node (what the node answered, and how long it took);
//  - a load of N clients (read ratio R) on keys load-0..load-99 until stopped (at most
//    max_load_clients, for at most max_load_time);
//  - "check it": sysdist-check for N seconds with a nemesis, its verdict as a `check` event;
//  - in AP, while a page is open, every node's copies of up to max_dump_keys keys once a second
//    (`dumps`: the keys x nodes table, where stale AP copies show).
// Every outcome is also published on the Hub (`action`, `client`, `load`, `check`).
#pragma once
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include "tools/dash/hub.hpp"

namespace sysdist::dash {

struct ActionResult {
  unsigned status = 200;  // the dashboard API's answer
  boost::json::object body;
};

class Actions {
 public:
  // `root`: the project (bin/ and build/release/ are found there); `run`: the nodes' pid files.
  // `nodes`: "host:port,..." when the cluster is not the loopback one on this machine
  // (Compose, other hosts): then the page sends client operations, load and checks there,
  // and its fault buttons are off (bin/compose, kubectl or the hosts' own tools do faults).
  Actions(boost::asio::any_io_executor executor, Hub& hub, std::filesystem::path root, std::filesystem::path run,
          std::string nodes = {});
  ~Actions();

  void start();  // the fault observer
  boost::json::object info() const;  // what a page may do, and why not

  boost::asio::awaitable<ActionResult> fault(const boost::json::object& request);
  boost::asio::awaitable<ActionResult> client(const boost::json::object& request);
  ActionResult load(const boost::json::object& request);
  ActionResult check(const boost::json::object& request);

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace sysdist::dash
