// RocksdbStore: Store on RocksDB (layout in store.hpp), with group commit.
//
// commit() queues its batch for the storage thread and suspends the caller. The storage
// thread takes everything queued (up to limits::max_group_commit_mutations), writes it as
// one WriteBatch (synced unless every batch in it is Durability::ordered), then resumes
// every waiting caller on its own executor. An ordered commit that finds the storage thread
// idle and nothing queued is written at once on the caller's thread instead: no sync to
// wait for, and two thread hand-offs fewer (it never overtakes a queued commit).
// The destructor drains the queue before closing, so a graceful stop loses nothing queued.
// Opening a damaged or locked database is fatal: the caller gets an exception.
#pragma once
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "common/metrics.hpp"
#include "storage/store.hpp"

namespace rocksdb {
class DB;
class WriteBatch;
class ColumnFamilyHandle;
}  // namespace rocksdb

namespace sysdist {

class RocksdbStore final : public Store {
 public:
  // slow_storage adds latency to every synced write (the demo's "slow node" knob).
  RocksdbStore(const std::string& dir, Metrics& metrics, std::chrono::milliseconds slow_storage);
  ~RocksdbStore() override;

  std::optional<std::string> get(Keyspace space, std::string_view key) const override;
  void for_each(Keyspace space, const std::function<void(std::string_view, std::string_view)>& visit) const override;
  boost::asio::awaitable<void> commit(Batch batch, Durability durability = Durability::durable) override;

 private:
  struct Pending {
    Batch batch;
    Durability durability;
    std::function<void()> done;  // resumes the waiting coroutine on its executor
  };
  void enqueue(Batch batch, Durability durability, std::function<void()> done);
  void run_storage_thread();
  // Writes an ordered batch on the caller's thread when nothing is queued or being written.
  bool write_now_if_idle(const Batch& batch);
  void add_to(rocksdb::WriteBatch& write, const Batch& batch);
  void count_write(std::size_t commits, std::size_t mutations);

  Metrics& metrics_;
  std::chrono::milliseconds slow_storage_;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> families_;  // indexed by Keyspace

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;
  bool stopping_ = false;
  bool writing_ = false;  // the storage thread is writing a group
  std::thread thread_;
};

}  // namespace sysdist
