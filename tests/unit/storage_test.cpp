// RocksdbStore: commits are durable and visible, concurrent commits share synced writes
// (group commit), ordered commits skip the sync and keep their place, deletes remove, and
// a reopened store has everything acknowledged. A data dir is private and knows whose it is.
#include <filesystem>

#include <boost/test/unit_test.hpp>

#include "node/data_dir.hpp"
#include "sim/sim_store.hpp"
#include "storage/memory_store.hpp"
#include "storage/rocksdb_store.hpp"
#include "test_support.hpp"

using namespace sysdist;
namespace asio = boost::asio;

namespace {
struct TempDir {
  std::filesystem::path path = std::filesystem::temp_directory_path() /
                               ("sysdist-storage-" + std::to_string(::getpid()) + "-" + std::to_string(rand()));
  ~TempDir() { std::filesystem::remove_all(path); }
};

double counter(const Metrics& metrics, const std::string& name) {
  auto text = metrics.render();
  auto at = text.find("\n" + name + " ");
  return at == std::string::npos ? 0 : std::stod(text.substr(at + name.size() + 2));
}

asio::awaitable<void> commit_many(Store& store, int writers) {
  auto executor = co_await asio::this_coro::executor;
  std::vector<decltype(asio::co_spawn(executor, store.commit({}), asio::deferred))> commits;
  for (int i = 0; i < writers; ++i) {
    Batch batch{{Keyspace::data, "k" + std::to_string(i), "v" + std::to_string(i)}};
    commits.push_back(asio::co_spawn(executor, store.commit(std::move(batch)), asio::deferred));
  }
  auto group = asio::experimental::make_parallel_group(std::move(commits));
  co_await group.async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
}
}  // namespace

BOOST_AUTO_TEST_SUITE(storage)

BOOST_AUTO_TEST_CASE(concurrent_commits_share_synced_writes_and_all_land) {
  TempDir dir;
  Metrics metrics;
  asio::io_context io;
  RocksdbStore store(dir.path.string(), metrics, std::chrono::milliseconds(5));  // slow disk: commits pile up
  test::run(io, commit_many(store, 200));
  for (int i = 0; i < 200; ++i)
    BOOST_TEST(*store.get(Keyspace::data, "k" + std::to_string(i)) == "v" + std::to_string(i));
  const auto batches = counter(metrics, "sysdist_storage_batches_total");
  const auto commits = counter(metrics, "sysdist_storage_batched_commits_total");
  BOOST_TEST(commits == 200);
  BOOST_TEST(batches < commits / 2);  // merged, not one fsync each
}

BOOST_AUTO_TEST_CASE(acknowledged_writes_survive_reopening) {
  TempDir dir;
  Metrics metrics;
  asio::io_context io;
  {
    RocksdbStore store(dir.path.string(), metrics, {});
    Batch batch{{Keyspace::data, "city", "Rome"}, {Keyspace::txn, "t1", "{}"}, {Keyspace::meta, "incarnation", "3"}};
    test::run(io, store.commit(std::move(batch)));
    Batch removal{{Keyspace::data, "city", std::nullopt}, {Keyspace::data, "town", "Pisa"}};
    test::run(io, store.commit(std::move(removal)));
  }
  RocksdbStore reopened(dir.path.string(), metrics, {});
  BOOST_TEST(!reopened.get(Keyspace::data, "city").has_value());
  BOOST_TEST(*reopened.get(Keyspace::data, "town") == "Pisa");
  BOOST_TEST(*reopened.get(Keyspace::txn, "t1") == "{}");
  BOOST_TEST(*reopened.get(Keyspace::meta, "incarnation") == "3");
  std::vector<std::string> keys;
  reopened.for_each(Keyspace::data, [&](std::string_view k, std::string_view) { keys.emplace_back(k); });
  BOOST_TEST(keys == std::vector<std::string>{"town"});
}

BOOST_AUTO_TEST_CASE(ordered_commits_are_visible_at_once_and_synced_by_the_next_durable_one) {
  TempDir dir;
  Metrics metrics;
  asio::io_context io;
  {
    RocksdbStore store(dir.path.string(), metrics, {});
    for (int i = 0; i < 3; ++i) {
      Batch batch{{Keyspace::data, "k" + std::to_string(i), "v"}};
      test::run(io, store.commit(std::move(batch), Durability::ordered));
      BOOST_TEST(store.get(Keyspace::data, "k" + std::to_string(i)).has_value());
    }
    BOOST_TEST(counter(metrics, "sysdist_storage_fsync_seconds_count") == 0);  // no sync yet
    test::run(io, store.commit(Batch{{Keyspace::meta, "m", "1"}}));
    BOOST_TEST(counter(metrics, "sysdist_storage_fsync_seconds_count") == 1);
  }
  RocksdbStore reopened(dir.path.string(), metrics, {});
  for (int i = 0; i < 3; ++i) BOOST_TEST(reopened.get(Keyspace::data, "k" + std::to_string(i)).has_value());
}

BOOST_AUTO_TEST_CASE(an_ordered_commit_never_overtakes_a_queued_durable_one) {
  // Ordered commits are written on the caller's thread when the storage thread is idle;
  // here it is busy with a slow synced write, so the ordered one must wait its turn.
  TempDir dir;
  Metrics metrics;
  asio::io_context io;
  RocksdbStore store(dir.path.string(), metrics, std::chrono::milliseconds(200));
  std::vector<std::string> finished;
  auto write = [&](std::string value, Durability durability) -> asio::awaitable<void> {
    Batch batch{{Keyspace::data, "k", value}};  // named: g++ 12 miscompiles braced temporaries in co_await
    co_await store.commit(std::move(batch), durability);
    finished.push_back(value);
  };
  asio::co_spawn(io, write(std::string("synced first"), Durability::durable), asio::detached);
  asio::co_spawn(io, write(std::string("ordered second"), Durability::ordered), asio::detached);
  io.run();
  BOOST_TEST(finished == (std::vector<std::string>{"synced first", "ordered second"}));
  BOOST_TEST(store.get(Keyspace::data, "k").value_or("") == "ordered second");
}

BOOST_AUTO_TEST_CASE(keyspaces_are_separate) {
  MemoryStore store;
  asio::io_context io;
  Batch batch{{Keyspace::data, "same", "data"}, {Keyspace::txn, "same", "txn"}};
  test::run(io, store.commit(std::move(batch)));
  BOOST_TEST(*store.get(Keyspace::data, "same") == "data");
  BOOST_TEST(*store.get(Keyspace::txn, "same") == "txn");
  BOOST_TEST(!store.get(Keyspace::meta, "same").has_value());
}

// Keys k1..k8 written, then [k3, k6) dropped with one mutation: k1, k2, k6, k7, k8 remain.
void check_erase_range(Store& store) {
  asio::io_context io;
  Batch batch;
  for (int i = 1; i <= 8; ++i) batch.push_back({Keyspace::raft_log, "k" + std::to_string(i), "v"});
  batch.push_back({Keyspace::data, "k4", "other keyspace"});
  test::run(io, store.commit(std::move(batch)));
  test::run(io, store.commit({erase_range(Keyspace::raft_log, "k3", "k6")}, Durability::ordered));
  std::vector<std::string> keys;
  store.for_each(Keyspace::raft_log, [&](std::string_view k, std::string_view) { keys.emplace_back(k); });
  BOOST_TEST(keys == (std::vector<std::string>{"k1", "k2", "k6", "k7", "k8"}), boost::test_tools::per_element());
  BOOST_TEST(store.get(Keyspace::data, "k4").value_or("") == "other keyspace");
}

BOOST_AUTO_TEST_CASE(a_range_erase_drops_the_keys_from_its_start_up_to_its_end_in_every_store) {
  MemoryStore memory;
  check_erase_range(memory);
  TempDir dir;
  Metrics metrics;
  {
    RocksdbStore store(dir.path.string(), metrics, std::chrono::milliseconds(0));
    check_erase_range(store);
  }
  RocksdbStore reopened(dir.path.string(), metrics, std::chrono::milliseconds(0));  // the range tombstone is in the log too
  BOOST_TEST(!reopened.get(Keyspace::raft_log, "k4").has_value());
  BOOST_TEST(reopened.get(Keyspace::raft_log, "k6").has_value());
}

BOOST_AUTO_TEST_CASE(a_crash_before_the_next_sync_brings_back_what_an_ordered_range_erase_dropped) {
  MemoryStore disk;
  sim::SimStore store(disk);
  check_erase_range(store);
  store.crash();
  for (int i = 1; i <= 8; ++i) BOOST_TEST(disk.get(Keyspace::raft_log, "k" + std::to_string(i)).value_or("") == "v");
}

BOOST_AUTO_TEST_CASE(a_locked_data_dir_is_a_clear_error) {
  TempDir dir;
  Metrics metrics;
  RocksdbStore first(dir.path.string(), metrics, {});
  BOOST_CHECK_THROW(RocksdbStore(dir.path.string(), metrics, {}), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(a_data_dir_is_private_to_its_user) {
  TempDir dir;
  Metrics metrics;
  RocksdbStore store(dir.path.string(), metrics, {});
  const auto perms = std::filesystem::status(dir.path).permissions();
  BOOST_TEST((perms == std::filesystem::perms::owner_all));
}

BOOST_AUTO_TEST_CASE(a_data_dir_knows_its_mode_membership_and_member) {
  asio::io_context io;
  MemoryStore store;
  Config ca;
  ca.mode = "CA";
  ca.data_dir = "data/3001";
  for (unsigned short m = 0; m < 5; ++m) ca.membership.members.push_back({"127.0.0.1", static_cast<unsigned short>(3001 + m)});
  BOOST_TEST(!claim_data_dir(io, store, ca).has_value());  // first start: recorded
  BOOST_TEST(!claim_data_dir(io, store, ca).has_value());  // the same node again
  auto ap = ca;
  ap.mode = "AP";
  auto refusal = claim_data_dir(io, store, ap);
  BOOST_REQUIRE(refusal.has_value());
  BOOST_TEST(refusal->find("data/3001 holds a CA node") != std::string::npos, *refusal);
  BOOST_TEST(refusal->find("this is an AP node") != std::string::npos, *refusal);
  auto other_member = ca;
  other_member.membership.self = 2;
  BOOST_TEST(claim_data_dir(io, store, other_member).has_value());
  auto other_cluster = ca;
  other_cluster.membership.members.pop_back();
  BOOST_TEST(claim_data_dir(io, store, other_cluster).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
