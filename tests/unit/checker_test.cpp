// sysdist-check's history format and linearizability checker on hand-written histories,
// valid and invalid, and on large generated ones.
#include <algorithm>
#include <random>

#include <boost/test/unit_test.hpp>

#include "tools/check/linearizability.hpp"
#include "tools/check/verdict.hpp"

using namespace sysdist::check;

namespace {

// A history written as a table: times in ms, 0 = still running (info).
struct Writer {
  std::vector<Op> ops;
  Op& add(OpType type, int process, std::int64_t from, std::int64_t to, std::optional<std::string> value,
          OpResult result = OpResult::ok) {
    Op op;
    op.id = ops.size();
    op.process = process;
    op.type = type;
    op.key = "k";
    op.value = std::move(value);
    op.result = result;
    op.invoke_ns = from * 1'000'000;
    op.complete_ns = to * 1'000'000;
    ops.push_back(op);
    return ops.back();
  }
  void write(int p, std::int64_t from, std::int64_t to, std::string v, OpResult r = OpResult::ok) {
    add(OpType::write, p, from, to, std::move(v), r);
  }
  void read(int p, std::int64_t from, std::int64_t to, std::optional<std::string> v) {
    add(OpType::read, p, from, to, std::move(v));
  }
  void cas(int p, std::int64_t from, std::int64_t to, std::string expected, std::string v, bool mismatch = false,
           OpResult r = OpResult::ok) {
    auto& op = add(OpType::cas, p, from, to, std::move(v), r);
    op.expected = std::move(expected);
    op.mismatch = mismatch;
  }
  bool linearizable() const { return check_linearizable(ops).linearizable; }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(checker)

BOOST_AUTO_TEST_CASE(sequential_history_of_a_register_is_linearizable) {
  Writer h;
  h.read(1, 0, 1, std::nullopt);
  h.write(1, 2, 3, "a");
  h.read(2, 4, 5, "a");
  h.write(2, 6, 7, "b");
  h.read(1, 8, 9, "b");
  BOOST_TEST(h.linearizable());
}

BOOST_AUTO_TEST_CASE(stale_read_after_a_completed_write_is_not_and_the_window_shows_it) {
  Writer h;
  h.write(1, 0, 1, "a");
  h.write(1, 2, 3, "b");
  h.read(2, 4, 5, "a");  // b was acknowledged before this read began
  auto verdict = check_linearizable(h.ops);
  BOOST_TEST(!verdict.linearizable);
  BOOST_REQUIRE(verdict.failures.size() == 1u);
  const auto& window = verdict.failures[0].window;
  BOOST_TEST(window.size() == 3u);  // the shortest failing prefix ends with the stale read
  BOOST_TEST((window.back().type == OpType::read && *window.back().value == "a"));
}

BOOST_AUTO_TEST_CASE(read_concurrent_with_a_write_may_see_either_value) {
  for (const char* seen : {"a", "b"}) {
    Writer h;
    h.write(1, 0, 1, "a");
    h.write(1, 2, 10, "b");
    h.read(2, 3, 4, std::string(seen));
    BOOST_TEST(h.linearizable(), seen);
  }
}

BOOST_AUTO_TEST_CASE(values_cannot_flip_back_between_two_reads) {
  Writer h;
  h.write(1, 0, 1, "a");
  h.write(1, 2, 20, "b");  // concurrent with both reads
  h.read(2, 3, 4, "b");
  h.read(2, 5, 6, "a");  // after seeing b, a is gone for good
  BOOST_TEST(!h.linearizable());
}

BOOST_AUTO_TEST_CASE(info_write_may_apply_late_or_never_but_not_twice) {
  Writer late;
  late.write(1, 0, 1, "a");
  late.write(2, 2, 0, "b", OpResult::info);  // the client timed out
  late.read(3, 50, 51, "a");
  late.read(3, 60, 61, "b");  // applied after all
  BOOST_TEST(late.linearizable());
  Writer never;
  never.write(1, 0, 1, "a");
  never.write(2, 2, 0, "b", OpResult::info);
  never.read(3, 50, 51, "a");
  BOOST_TEST(never.linearizable());
  Writer flip = late;
  flip.read(3, 70, 71, "a");  // and back again: impossible
  BOOST_TEST(!flip.linearizable());
}

BOOST_AUTO_TEST_CASE(a_412_explained_only_by_an_unread_timed_out_write_is_linearizable) {
  Writer h;
  h.write(1, 0, 1, "a");
  h.write(2, 2, 0, "b", OpResult::info);  // never read back: the pruned search drops it
  h.cas(3, 5, 6, "a", "c", true);         // 412: only b having applied explains it
  BOOST_TEST(h.linearizable());
  h.read(3, 7, 8, "a");  // and yet a is still there: impossible
  BOOST_TEST(!h.linearizable());
}

BOOST_AUTO_TEST_CASE(a_failed_write_must_never_be_seen) {
  Writer h;
  h.write(1, 0, 1, "a");
  h.write(2, 2, 3, "b", OpResult::fail);
  h.read(3, 4, 5, "b");
  BOOST_TEST(!h.linearizable());
}

BOOST_AUTO_TEST_CASE(compare_and_set_applies_only_over_the_expected_value) {
  Writer ok;
  ok.write(1, 0, 1, "a");
  ok.cas(2, 2, 3, "a", "b");
  ok.cas(1, 4, 5, "a", "c", true);  // 412: the value was b
  ok.read(3, 6, 7, "b");
  BOOST_TEST(ok.linearizable());
  Writer wrong;
  wrong.write(1, 0, 1, "a");
  wrong.cas(2, 2, 3, "x", "b");  // applied although the value was a
  BOOST_TEST(!wrong.linearizable());
  Writer lying;
  lying.write(1, 0, 1, "a");
  lying.cas(2, 2, 3, "a", "b", true);  // 412 although the value was a
  BOOST_TEST(!lying.linearizable());
}

BOOST_AUTO_TEST_CASE(history_lines_round_trip) {
  Writer h;
  h.cas(4, 2, 3, "old", "new \"quoted\"", true);
  h.ops[0].status = 412;
  h.ops[0].node = 3;
  auto line = to_json_line(h.ops[0]);
  auto back = op_from_json_line(line);
  BOOST_REQUIRE(back.has_value());
  BOOST_TEST(to_json_line(*back) == line);
  BOOST_TEST(!op_from_json_line("{\"type\":\"read\"}").has_value());
  BOOST_TEST(!op_from_json_line("not json").has_value());
  BOOST_TEST((result_for_status(OpType::write, 504) == OpResult::info));
  BOOST_TEST((result_for_status(OpType::write, 0) == OpResult::info));
  BOOST_TEST((result_for_status(OpType::write, 503) == OpResult::fail));
  BOOST_TEST((result_for_status(OpType::cas, 412) == OpResult::ok));
  BOOST_TEST((result_for_status(OpType::read, 404) == OpResult::ok));
}

// A register driven by 5 concurrent clients: every operation takes effect at a random
// instant inside its interval, so the history is linearizable by construction; changing
// one read to an older value breaks it.
BOOST_AUTO_TEST_CASE(thousands_of_concurrent_operations_on_one_key_check_quickly) {
  std::mt19937 random(7);
  Writer h;
  struct Pending {
    std::int64_t effect, end;
    std::size_t op;
  };
  std::vector<std::int64_t> free_at(5, 0);
  std::vector<std::pair<std::int64_t, std::size_t>> effects;  // (instant, op)
  for (int i = 0; i < 3000; ++i) {
    const int p = static_cast<int>(random() % 5);
    const auto from = free_at[p] + 1 + random() % 5, to = from + 1 + random() % 20;
    free_at[p] = to;
    const bool write = random() % 2;
    if (write) h.write(p, from, to, "v" + std::to_string(i));
    else h.read(p, from, to, std::nullopt);
    if (i % 97 == 0 && write) h.ops.back().result = OpResult::info;
    effects.emplace_back(from + static_cast<std::int64_t>(random() % (to - from)), h.ops.size() - 1);
  }
  std::sort(effects.begin(), effects.end());
  std::optional<std::string> current;
  for (auto [instant, index] : effects) {
    auto& op = h.ops[index];
    if (op.type == OpType::write) current = op.value;
    else op.value = current;  // what the read saw at its instant
  }
  BOOST_TEST(h.linearizable());
  // Break it: a late read changed to see the first write, overwritten long before it began.
  const auto first_write = std::find_if(h.ops.begin(), h.ops.end(), [](const Op& op) {
    return op.type == OpType::write && op.result == OpResult::ok;
  });
  auto late_read = std::find_if(h.ops.begin() + 2000, h.ops.end(), [](const Op& op) { return op.type == OpType::read; });
  BOOST_REQUIRE(late_read != h.ops.end());
  late_read->value = first_write->value;
  auto verdict = check_linearizable(h.ops);
  BOOST_TEST(!verdict.linearizable);
  BOOST_REQUIRE(!verdict.failures.empty());
  BOOST_TEST(verdict.failures[0].window.size() <= 10u);  // a small window, not the whole history
  BOOST_TEST(verdict.failures[0].window.back().invoke_ns <= late_read->complete_ns);  // it ends where it broke
}

// AP keeps the last writer by a clock of millisecond resolution: a write that began within
// the millisecond after another completed may tie with it (then the node id decides), one
// that began later must win.
BOOST_AUTO_TEST_CASE(ap_lost_write_check_allows_a_tie_within_the_clocks_millisecond) {
  Options options;
  options.keys = 1;
  const auto key = options.key(0);
  auto history_with_second_write_at = [&](std::int64_t invoke_ns) {
    Op first{1, 1, OpType::write, key, std::string("a")};
    first.result = OpResult::ok, first.invoke_ns = 0, first.complete_ns = 10'000'000;
    Op second{2, 1, OpType::write, key, std::string("b")};
    second.result = OpResult::ok, second.invoke_ns = invoke_ns, second.complete_ns = invoke_ns + 2'000'000;
    return std::vector<Op>{first, second};
  };
  Copies copies(5, std::map<std::string, std::string>{{key, "a"}});  // "a" won everywhere
  auto kept = [&](std::int64_t invoke_ns) { return ap_checks(history_with_second_write_at(invoke_ns), copies, options)[1]; };
  BOOST_TEST(kept(10'400'000).passed);   // 0.4 ms later: the same millisecond may tie
  BOOST_TEST(!kept(11'500'000).passed);  // 1.5 ms later: "b" had to win
}

BOOST_AUTO_TEST_SUITE_END()
