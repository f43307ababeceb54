#include "tools/check/linearizability.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <unordered_set>

namespace sysdist::check {

namespace {

// The register's value at a point of the search; unknown only at the start of a window.
struct State {
  bool known = true;
  std::optional<std::string> value;
  bool operator==(const State&) const = default;
};

// The register model: the state after `op`, or nullopt when `op` cannot happen in `state`.
std::optional<State> step(const State& state, const Op& op) {
  switch (op.type) {
    case OpType::read:
      if (!state.known) return State{true, op.value};
      if (state.value != op.value) return std::nullopt;
      return state;
    case OpType::write:
      return State{true, op.value};
    case OpType::cas:
      if (op.result == OpResult::info) {  // it applied iff the value was the expected one
        if (state.known && state.value == op.expected) return State{true, op.value};
        return state;
      }
      if (op.mismatch) {
        if (state.known && state.value == op.expected) return std::nullopt;
        return state;
      }
      if (state.known && state.value != op.expected) return std::nullopt;
      return State{true, op.value};
  }
  return std::nullopt;
}

// The operations that constrain the search: failed operations never happened and a read
// whose answer never came says nothing. With `prune`, an info write whose value nobody
// ever observed is dropped as if it never applied (values are unique per write): that
// keeps the search from trying every subset of timed-out writes. A linearization without
// them is a linearization of the whole history, so "linearizable" stays sound; only a 412
// cas can depend on an unobserved write, so check_key retries without pruning then.
std::vector<Op> relevant(const std::vector<Op>& ops, bool prune) {
  std::set<std::string> observed;
  for (auto& op : ops) {
    if (op.result != OpResult::ok) continue;
    if (op.type == OpType::read && op.value) observed.insert(*op.value);
    if (op.type == OpType::cas) observed.insert(op.expected);
  }
  std::vector<Op> out;
  for (auto& op : ops) {
    if (op.result == OpResult::fail) continue;
    if (op.result == OpResult::info && op.type == OpType::read) continue;
    if (prune && op.result == OpResult::info && op.value && !observed.contains(*op.value)) continue;
    out.push_back(op);
  }
  return out;
}

struct Bits {
  std::vector<std::uint64_t> words;
  explicit Bits(std::size_t n) : words((n + 63) / 64) {}
  void flip(std::size_t i) { words[i / 64] ^= std::uint64_t{1} << (i % 64); }
  bool operator==(const Bits&) const = default;
};

struct Memo {
  Bits linearized;
  State state;
  bool operator==(const Memo&) const = default;
};
struct MemoHash {
  std::size_t operator()(const Memo& m) const {
    std::size_t h = std::hash<std::string>()(m.state.value.value_or(std::string("\x01") + "absent")) ^ (m.state.known ? 0x9e37 : 0);
    for (auto w : m.linearized.words) h = h * 1099511628211ULL ^ std::hash<std::uint64_t>()(w);
    return h;
  }
};

enum class Search { linearizable, not_linearizable, gave_up };

// Wing-Gong/Lowe: walk the time-ordered call/return events; at a call try to linearize that
// operation now; at a return whose call is not linearized yet, backtrack.
Search search(const std::vector<Op>& ops, bool initial_known, std::size_t max_states) {
  const auto n = ops.size();
  if (n == 0) return Search::linearizable;
  struct Event {
    std::int64_t time;
    bool is_call;
    std::size_t op;
  };
  std::vector<Event> events;
  for (std::size_t i = 0; i < n; ++i) {
    events.push_back({ops[i].invoke_ns, true, i});
    const auto end = ops[i].result == OpResult::info ? std::numeric_limits<std::int64_t>::max() : ops[i].complete_ns;
    events.push_back({end, false, i});
  }
  std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
    return a.time != b.time ? a.time < b.time : a.is_call > b.is_call;  // calls first on ties: overlapping
  });
  // A doubly linked list over the events, node 0 the head sentinel.
  struct Node {
    std::size_t op = 0;
    bool is_call = false;
    std::size_t match = 0, prev = 0, next = 0;  // next == 0: the end
  };
  std::vector<Node> list(events.size() + 1);
  std::vector<std::size_t> call_node(n), return_node(n);
  for (std::size_t i = 0; i < events.size(); ++i) {
    auto& node = list[i + 1];
    node.op = events[i].op;
    node.is_call = events[i].is_call;
    node.prev = i;
    node.next = i + 2 <= events.size() ? i + 2 : 0;
    (node.is_call ? call_node : return_node)[node.op] = i + 1;
  }
  list[0].next = 1;
  for (std::size_t i = 0; i < n; ++i) list[call_node[i]].match = return_node[i];
  auto lift = [&](std::size_t call) {
    auto& c = list[call];
    list[c.prev].next = c.next;
    if (c.next) list[c.next].prev = c.prev;
    auto& r = list[c.match];
    list[r.prev].next = r.next;
    if (r.next) list[r.next].prev = r.prev;
  };
  auto unlift = [&](std::size_t call) {
    auto& c = list[call];
    auto& r = list[c.match];
    list[r.prev].next = c.match;
    if (r.next) list[r.next].prev = c.match;
    list[c.prev].next = call;
    if (c.next) list[c.next].prev = call;
  };

  State state{initial_known, std::nullopt};
  Bits linearized(n);
  std::unordered_set<Memo, MemoHash> seen;
  std::vector<std::pair<std::size_t, State>> stack;  // linearized calls and the state before each
  std::size_t entry = list[0].next;
  while (list[0].next != 0) {
    if (entry == 0) return Search::not_linearizable;  // defensive: cannot happen with matched events
    const auto& node = list[entry];
    if (node.is_call) {
      if (auto next_state = step(state, ops[node.op])) {
        Bits next_linearized = linearized;
        next_linearized.flip(node.op);
        if (seen.insert(Memo{next_linearized, *next_state}).second) {
          if (seen.size() > max_states) return Search::gave_up;
          stack.emplace_back(entry, state);
          state = *next_state;
          linearized = std::move(next_linearized);
          lift(entry);
          entry = list[0].next;
          continue;
        }
      }
      entry = node.next;
    } else {  // a return whose operation is not linearized yet: undo the last choice
      if (stack.empty()) return Search::not_linearizable;
      auto [call, before] = stack.back();
      stack.pop_back();
      state = before;
      linearized.flip(list[call].op);
      unlift(call);
      entry = list[call].next;
    }
  }
  return Search::linearizable;
}

// The history as it stood at `time`: operations invoked by then, those still running
// turned into info operations (their outcome was not known yet).
std::vector<Op> prefix_at(const std::vector<Op>& ops, std::int64_t time) {
  std::vector<Op> out;
  for (auto op : ops) {
    if (op.invoke_ns > time) continue;
    if (op.result != OpResult::info && op.complete_ns > time) {
      if (op.type == OpType::read) continue;
      op.result = OpResult::info;
      op.mismatch = false;
      op.status = 0;
    }
    out.push_back(std::move(op));
  }
  return out;
}

std::vector<Op> failing_window(const std::vector<Op>& ops, bool initial_known, std::size_t max_states) {
  // The shortest failing prefix, by completion time.
  std::vector<std::int64_t> ends;
  for (auto& op : ops)
    if (op.result != OpResult::info) ends.push_back(op.complete_ns);
  std::sort(ends.begin(), ends.end());
  std::size_t lo = 0, hi = ends.size();  // ends[hi - 1] fails (the whole history does)
  while (lo + 1 < hi) {
    const auto mid = (lo + hi) / 2;
    if (search(prefix_at(ops, ends[mid - 1]), initial_known, max_states) == Search::not_linearizable) hi = mid;
    else lo = mid;
  }
  auto window = hi ? prefix_at(ops, ends[hi - 1]) : ops;
  // Its last operations to finish (still-running ones count as last): where it broke.
  std::sort(window.begin(), window.end(), [](const Op& a, const Op& b) {
    const auto end = [](const Op& op) {
      return op.result == OpResult::info ? std::numeric_limits<std::int64_t>::max() : op.complete_ns;
    };
    return end(a) < end(b);
  });
  constexpr std::size_t shown = 10;
  if (window.size() > shown) window.erase(window.begin(), window.end() - shown);
  std::sort(window.begin(), window.end(), [](const Op& a, const Op& b) { return a.invoke_ns < b.invoke_ns; });
  return window;
}

}  // namespace

KeyVerdict check_key(const std::vector<Op>& history, bool initial_known, std::size_t max_states) {
  KeyVerdict verdict;
  if (!history.empty()) verdict.key = history.front().key;
  auto ops = relevant(history, true);
  auto result = search(ops, initial_known, max_states);
  const bool any_mismatch = std::any_of(history.begin(), history.end(), [](const Op& op) { return op.mismatch; });
  if (result != Search::linearizable && any_mismatch) {
    auto all = relevant(history, false);
    if (all.size() != ops.size()) ops = std::move(all), result = search(ops, initial_known, max_states);
  }
  verdict.ops = ops.size();
  switch (result) {
    case Search::linearizable:
      break;
    case Search::gave_up:
      verdict.linearizable = false;
      verdict.gave_up = true;
      break;
    case Search::not_linearizable:
      verdict.linearizable = false;
      verdict.window = failing_window(ops, initial_known, max_states);
      break;
  }
  return verdict;
}

LinearizabilityVerdict check_linearizable(const std::vector<Op>& history) {
  std::map<std::string, std::vector<Op>> by_key;
  for (auto& op : history) by_key[op.key].push_back(op);
  LinearizabilityVerdict verdict;
  verdict.keys = by_key.size();
  for (auto& [key, ops] : by_key) {
    auto key_verdict = check_key(ops);
    verdict.ops += key_verdict.ops;
    if (!key_verdict.linearizable) {
      verdict.linearizable = false;
      verdict.failures.push_back(std::move(key_verdict));
    }
  }
  return verdict;
}

}  // namespace sysdist::check
