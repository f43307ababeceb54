#include "tools/check/verdict.hpp"

#include <cstdio>
#include <iostream>
#include <set>

#include "common/membership.hpp"
#include "modes/ap/ring.hpp"
#include "tools/check/http_client.hpp"
#include "tools/check/linearizability.hpp"

namespace sysdist::check {

// Every node's copy of the workload's keys after healing; nullopt for a node that did not answer.
Copies dumps(const Options& options) {
  Copies out;
  for (int node = 1; node <= node_count; ++node) {
    auto dump = get_json(node, "/admin/dump");
    if (!dump) {
      out.emplace_back();
      continue;
    }
    std::map<std::string, std::string> data;
    for (int k = 0; k < options.keys; ++k)
      if (auto* v = dump->if_contains(options.key(k)); v && v->is_string())
        data[options.key(k)] = std::string(v->as_string());
    out.emplace_back(std::move(data));
  }
  return out;
}

Check same_everywhere(const Copies& copies) {
  for (int node = 0; node < node_count; ++node)
    if (!copies[static_cast<std::size_t>(node)])
      return {"converged", false, true, "node " + std::to_string(node + 1) + " did not answer its dump"};
  for (int node = 1; node < node_count; ++node)
    if (*copies[static_cast<std::size_t>(node)] != *copies[0])
      return {"converged", false, true, "node " + std::to_string(node + 1) + " differs from node 1"};
  return {"converged", true, true, "all " + std::to_string(node_count) + " nodes hold the same data"};
}

// AP versions carry wall time in milliseconds (SPEC: last writer wins on a hybrid logical
// clock, ties broken by node id). Two writes through coordinators that cannot see each
// other (a partition) within one millisecond may tie, and the node id then decides: the
// second one follows the first in real time only once a whole millisecond lies between them.
constexpr std::int64_t hlc_resolution_ns = 1'000'000;

// Every copy of a key on its AP replicas agrees (N of 5 nodes hold one; in CA and CP every
// node holds all, and the replicas are a subset), and its value was written by a write
// that no acknowledged write followed in real time (otherwise that write was lost).
std::vector<Check> ap_checks(const std::vector<Op>& history,
                             const Copies& copies,
                             const Options& options) {
  Membership membership;
  for (int node = 1; node <= node_count; ++node)
    membership.members.push_back({host_of(node), static_cast<unsigned short>(port_of(node))});
  const ap::Ring ring(membership);
  Check agree{"converged", true, true, "the replicas of every key agree"};
  Check kept{"no acknowledged write lost", true, true, "each key ends with its latest acknowledged write or a newer one"};
  for (int k = 0; k < options.keys && agree.passed && kept.passed; ++k) {
    const auto key = options.key(k);
    std::set<std::string> values;
    std::string holders;
    for (auto node : ring.preference_list(key, options.replicas))  // stand-ins' copies go with their hints
      if (copies[node] && copies[node]->contains(key)) {
        values.insert(copies[node]->at(key));
        holders += " node " + std::to_string(node + 1) + "=" + copies[node]->at(key);
      }
    if (values.size() > 1) {
      agree = {"converged", false, true, key + " has " + std::to_string(values.size()) + " values:" + holders};
      break;
    }
    const Op* last_ok = nullptr;  // the acknowledged write that began last
    const Op* winner = nullptr;
    for (auto& op : history) {
      if (op.key != key || op.type == OpType::read || op.result == OpResult::fail || op.mismatch) continue;
      if (op.result == OpResult::ok && (!last_ok || op.invoke_ns > last_ok->invoke_ns)) last_ok = &op;
      if (!values.empty() && op.value == *values.begin()) winner = &op;
    }
    if (!last_ok) continue;
    if (!winner) {
      kept = {"no acknowledged write lost", false, true,
              key + (values.empty() ? " is gone" : " holds " + *values.begin() + ", which no write wrote") +
                  " although " + describe(*last_ok) + " was acknowledged"};
    } else if (winner->result == OpResult::ok && winner->complete_ns + hlc_resolution_ns <= last_ok->invoke_ns) {
      kept = {"no acknowledged write lost", false, true,
              key + " holds " + *values.begin() + " but " + describe(*last_ok) + " was acknowledged after it"};
    }
  }
  return {agree, kept};
}

// CA: no failed write's value is visible anywhere (neither read nor stored).
Check nothing_failed_visible(const std::vector<Op>& history,
                             const Copies& copies) {
  std::set<std::string> failed;
  for (auto& op : history)
    if (op.type != OpType::read && op.result == OpResult::fail && op.value) failed.insert(*op.value);
  for (auto& op : history)
    if (op.type == OpType::read && op.result == OpResult::ok && op.value && failed.contains(*op.value))
      return {"no failed write visible", false, true, describe(op) + " saw a write that answered failure"};
  for (auto& copy : copies)
    if (copy)
      for (auto& [key, value] : *copy)
        if (failed.contains(value))
          return {"no failed write visible", false, true, key + " holds " + value + ", a write that answered failure"};
  return {"no failed write visible", true, true, std::to_string(failed.size()) + " failed writes, none visible"};
}

Check linearizability(const std::vector<Op>& history, bool required) {
  auto verdict = check_linearizable(history);
  Check check{"linearizable", verdict.linearizable, required,
              std::to_string(verdict.ops) + " operations on " + std::to_string(verdict.keys) + " keys"};
  int shown_windows = 0;
  for (auto& failure : verdict.failures) {
    if (failure.gave_up) {
      check.detail += "\n    key " + failure.key + ": the search exceeded its budget (no verdict)";
      continue;
    }
    if (shown_windows++ == 2) check.detail += "\n    (further keys failed too)";
    if (shown_windows > 2) continue;
    check.detail += "\n    key " + failure.key + ": not linearizable; the shortest failing prefix ends with:";
    for (auto& op : failure.window) {
      char times[64];
      const double from = static_cast<double>(op.invoke_ns) / 1e6, to = static_cast<double>(op.complete_ns) / 1e6;
      if (op.result == OpResult::info) std::snprintf(times, sizeof times, "%10.3f -    (open) ms", from);
      else std::snprintf(times, sizeof times, "%10.3f - %10.3f ms", from, to);
      check.detail += "\n      " + std::string(times) + "  client " + std::to_string(op.process) + " via node " +
                      std::to_string(op.node) + ": " + describe(op);
    }
  }
  return check;
}

int report(const Options& options, const std::vector<Op>& history, const std::vector<Check>& checks) {
  std::uint64_t ok = 0, fail = 0, info = 0;
  for (auto& op : history) (op.result == OpResult::ok ? ok : op.result == OpResult::fail ? fail : info)++;
  bool valid = true;
  for (auto& c : checks) {
    std::cout << "  " << (c.passed ? "PASS " : (c.required ? "FAIL " : "no   ")) << c.name << ": " << c.detail
              << (c.required ? "" : "  (not promised by " + options.mode + ")") << "\n";
    valid = valid && (c.passed || !c.required);
  }
  std::cout << "sysdist-check: mode " << options.mode << ", nemesis " << options.nemesis << ": " << history.size()
            << " ops (ok " << ok << ", fail " << fail << ", info " << info << ")";
  for (auto& c : checks) std::cout << "; " << c.name << " " << (c.passed ? "yes" : "no");
  std::cout << "; valid " << (valid ? "yes" : "NO") << std::endl;
  return valid ? 0 : 1;
}

}  // namespace sysdist::check
