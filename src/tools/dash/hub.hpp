// Hub: the dashboard's one merged stream. Every event (from a node's feed, or the
// dashboard's own: feed up/down, faults, actions, load, checks) becomes
// {"type","node","t","data"} (node 0: the dashboard), goes to the browsers through an
// EventBus (bounded per page, gap + snapshot when a page falls behind, Last-Event-ID) and
// into the session's recording, run/dash/session-TIME.jsonl, one event per line, at most
// 256 MiB (then recording stops, and says so; the newest 20 sessions are kept). The hub
// also keeps what a page needs when it opens: each node's last status and feed state, and
// the faults.
// Runs on the dashboard's event loop only.
#pragma once
#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <string>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "common/event_bus.hpp"

namespace sysdist::dash {

constexpr int node_count = 5;

class Hub {
 public:
  // Records under `record_dir` (created), keeping the newest `keep_recordings` sessions.
  Hub(std::string mode, const std::string& record_dir, std::size_t keep_recordings = 20);

  void publish(int node, std::string_view type, boost::json::value data);
  EventBus& bus() { return bus_; }
  // What a page gets first: mode, nodes (last status, feed), faults.
  boost::json::object snapshot() const;
  const std::string& mode() const { return mode_; }
  const std::string& recording() const { return recording_path_; }
  // A node's last known pid (from its status), 0 when unknown.
  long pid_of(int node) const;

 private:
  std::string mode_;
  EventBus bus_{1};
  std::map<int, boost::json::object> status_;  // by node: the last snapshot/state
  std::map<int, boost::json::value> feed_;     // by node: the last feed event
  boost::json::value faults_;
  std::string recording_path_;
  std::ofstream recording_;
  std::uint64_t recorded_bytes_ = 0;
};

}  // namespace sysdist::dash
