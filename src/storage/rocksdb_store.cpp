#include "storage/rocksdb_store.hpp"

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>
#include <spdlog/spdlog.h>

#include "common/limits.hpp"
#include "common/net.hpp"

namespace sysdist {

namespace {
void check(const rocksdb::Status& status, const char* what) {
  if (!status.ok()) {
    spdlog::critical("storage: {} failed: {}", what, status.ToString());
    std::abort();  // a storage error breaks the durability promise: stop rather than lie
  }
}
}  // namespace

RocksdbStore::RocksdbStore(const std::string& dir, Metrics& metrics, std::chrono::milliseconds slow_storage)
    : metrics_(metrics), slow_storage_(slow_storage) {
  // Private to the node's user: every value is in here, and /admin/dump needs the secret.
  std::filesystem::create_directories(dir);
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all, std::filesystem::perm_options::replace);
  rocksdb::DBOptions options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  options.max_background_jobs = 1;  // five nodes share two cores
  options.max_open_files = limits::storage_open_files;  // part of the descriptor budget
  // A write-ahead log file is deleted only once every column family in it is flushed; the
  // small ones (meta, txn) rarely fill a memtable, so without a cap logs pile up for ever.
  options.max_total_wal_size = 64 << 20;
  // Reads of keys no longer in a memtable: Bloom filters skip the memtable (a search of it
  // is a chain of cache misses once it holds many versions) and the files without the key,
  // and a block cache (shared by the keyspaces, bounded) keeps hot blocks uncompressed.
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.block_cache = rocksdb::NewLRUCache(limits::storage_block_cache_bytes);
  rocksdb::ColumnFamilyOptions family;
  family.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  family.memtable_whole_key_filtering = true;
  family.memtable_prefix_bloom_size_ratio = 0.02;
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, family);
  for (auto space : all_keyspaces) descriptors.emplace_back(keyspace_name(space), family);
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  auto status = rocksdb::DB::Open(options, dir, descriptors, &handles, &raw);
  if (!status.ok()) throw std::runtime_error("cannot open storage in " + dir + ": " + status.ToString());
  db_.reset(raw);
  families_.assign(handles.begin() + 1, handles.end());
  db_->DestroyColumnFamilyHandle(handles[0]);
  thread_ = std::thread([this] { run_storage_thread(); });
}

RocksdbStore::~RocksdbStore() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
  for (auto* family : families_) db_->DestroyColumnFamilyHandle(family);
  check(db_->Close(), "close");
}

std::optional<std::string> RocksdbStore::get(Keyspace space, std::string_view key) const {
  std::string value;
  auto status = db_->Get(rocksdb::ReadOptions(), families_[static_cast<int>(space)],
                         rocksdb::Slice(key.data(), key.size()), &value);
  if (status.IsNotFound()) return std::nullopt;
  check(status, "get");
  return value;
}

void RocksdbStore::for_each(Keyspace space,
                            const std::function<void(std::string_view, std::string_view)>& visit) const {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), families_[static_cast<int>(space)]));
  for (it->SeekToFirst(); it->Valid(); it->Next())
    visit(std::string_view(it->key().data(), it->key().size()),
          std::string_view(it->value().data(), it->value().size()));
  check(it->status(), "scan");
}

asio::awaitable<void> RocksdbStore::commit(Batch batch, Durability durability) {
  if (durability == Durability::ordered && write_now_if_idle(batch)) co_return;
  auto initiate = [this, &batch, durability](auto handler) {
    auto executor = asio::get_associated_executor(handler);
    auto shared = std::make_shared<decltype(handler)>(std::move(handler));
    enqueue(std::move(batch), durability, [shared, executor] { asio::post(executor, [shared] { (*shared)(); }); });
  };
  co_await asio::async_initiate<const asio::use_awaitable_t<>&, void()>(initiate, asio::use_awaitable);
}

bool RocksdbStore::write_now_if_idle(const Batch& batch) {
  std::lock_guard lock(mutex_);  // held while writing: the storage thread cannot start a write meanwhile
  if (writing_ || !queue_.empty()) return false;  // would overtake queued commits, or wait for a sync
  rocksdb::WriteBatch write;
  add_to(write, batch);
  rocksdb::WriteOptions options;
  options.no_slowdown = true;  // a write stall must not stop the event loop: queue instead
  auto status = db_->Write(options, &write);
  if (status.IsIncomplete()) return false;
  check(status, "write");
  count_write(1, batch.size());
  return true;
}

void RocksdbStore::count_write(std::size_t commits, std::size_t mutations) {
  metrics_.count("sysdist_storage_batches_total", "");
  metrics_.count("sysdist_storage_batched_commits_total", "", static_cast<double>(commits));
  metrics_.count("sysdist_storage_mutations_total", "", static_cast<double>(mutations));
}

void RocksdbStore::add_to(rocksdb::WriteBatch& write, const Batch& batch) {
  for (auto& m : batch) {
    auto* family = families_[static_cast<int>(m.space)];
    if (m.value)
      write.Put(family, m.key, *m.value);
    else
      write.Delete(family, m.key);
  }
}

void RocksdbStore::enqueue(Batch batch, Durability durability, std::function<void()> done) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back({std::move(batch), durability, std::move(done)});
  }
  wake_.notify_one();
}

void RocksdbStore::run_storage_thread() {
  for (;;) {
    std::vector<Pending> group;
    {
      std::unique_lock lock(mutex_);
      writing_ = false;
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued is written
      std::size_t mutations = 0;
      while (!queue_.empty() &&
             (group.empty() || mutations + queue_.front().batch.size() <= limits::max_group_commit_mutations)) {
        mutations += queue_.front().batch.size();
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      writing_ = true;
    }
    rocksdb::WriteBatch write;
    std::size_t mutations = 0;
    const bool sync = std::any_of(group.begin(), group.end(),
                                  [](const Pending& p) { return p.durability == Durability::durable; });
    for (auto& pending : group) {
      add_to(write, pending.batch);
      mutations += pending.batch.size();
    }
    const auto start = std::chrono::steady_clock::now();
    if (slow_storage_.count() > 0 && sync) std::this_thread::sleep_for(slow_storage_);
    rocksdb::WriteOptions options;
    options.sync = sync;
    check(db_->Write(options, &write), "write");
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    if (sync) metrics_.observe_seconds("sysdist_storage_fsync_seconds", "", took.count());
    count_write(group.size(), mutations);
    for (auto& pending : group) pending.done();
  }
}

}  // namespace sysdist
