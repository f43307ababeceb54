// Linearizability of a key-value history, checked per key (linearizability is local: a
// history is linearizable iff each key's sub-history is) against a register model, with
// the Wing-Gong/Lowe search and memoization of (linearized set, register state) as
// Knossos and Porcupine do. Info operations may take effect at any time after their
// invocation, or never; failed operations never did.
//
// On failure it reports where the history broke: the shortest prefix that cannot be
// linearized (prefixes of a linearizable history are linearizable, so a binary search over
// completion times finds it; operations still running then count as info) and the last
// operations of that prefix.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "tools/check/history.hpp"

namespace sysdist::check {

struct KeyVerdict {
  std::string key;
  bool linearizable = true;
  bool gave_up = false;    // the search exceeded its state budget: no verdict
  std::size_t ops = 0;     // operations of this key that constrain the search
  std::vector<Op> window;  // when not linearizable: the last operations of the shortest failing prefix
};

struct LinearizabilityVerdict {
  bool linearizable = true;  // false also when a search gave up
  std::size_t keys = 0, ops = 0;
  std::vector<KeyVerdict> failures;
};

// `initial_known` false: the register's value before the first operation is unknown
// (windows cut from the middle of a history); true: the key starts absent.
KeyVerdict check_key(const std::vector<Op>& ops, bool initial_known = true, std::size_t max_states = 2'000'000);
LinearizabilityVerdict check_linearizable(const std::vector<Op>& history);

}  // namespace sysdist::check
