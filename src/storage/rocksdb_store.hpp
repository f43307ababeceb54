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
// A full disk is a state, not a crash: when a write fails for lack of space the store is
// full() (the router answers new writes 507, reads go on), the storage thread keeps the
// failed group and every later commit waiting, checks the free space every half second,
// and once limits::storage_resume_free_bytes are free it resumes RocksDB (Resume()) and
// writes them: nothing acknowledged is lost, nothing unwritten is acknowledged. Any other
// storage error stops the node with one log line naming the error and the data dir.
#pragma once
#include <chrono>
#include <atomic>
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
  bool full() const override { return full_; }

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
  // Storage thread: writes the group; while the disk is full, waits for space and retries.
  bool write_group(rocksdb::WriteBatch& write, bool sync);  // false: stopping first
  bool wait_for_space();  // false when stopping first

  std::string dir_;
  Metrics& metrics_;
  std::chrono::milliseconds slow_storage_;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> families_;  // indexed by Keyspace

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;
  bool stopping_ = false;
  bool writing_ = false;  // the storage thread is writing a group
  std::atomic<bool> full_ = false;
  std::thread thread_;
};

}  // namespace sysdist
