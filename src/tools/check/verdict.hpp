// The verdicts of sysdist-check: what each mode promises, checked on the history and on
// every node's data after healing (its dump).
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tools/check/history.hpp"
#include "tools/check/options.hpp"

namespace sysdist::check {

struct Check {
  std::string name;
  bool passed;
  bool required;
  std::string detail;
};

using Copies = std::vector<std::optional<std::map<std::string, std::string>>>;

// Every node's copy of the workload's keys after healing; nullopt for a node that did not answer.
Copies dumps(const Options& options);
Check same_everywhere(const Copies& copies);
// AP: the replicas of every key agree, and no acknowledged write was lost.
std::vector<Check> ap_checks(const std::vector<Op>& history, const Copies& copies, const Options& options);
// CA: no failed write's value is visible anywhere (neither read nor stored).
Check nothing_failed_visible(const std::vector<Op>& history, const Copies& copies);
Check linearizability(const std::vector<Op>& history, bool required);
// Prints every check and the summary line; 0 when every required check passed.
int report(const Options& options, const std::vector<Op>& history, const std::vector<Check>& checks);

}  // namespace sysdist::check
