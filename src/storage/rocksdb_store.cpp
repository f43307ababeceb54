#include "storage/rocksdb_store.hpp"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <filesystem>

#include <sys/statvfs.h>
#include <stdexcept>

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>
#include <spdlog/spdlog.h>

#include "common/clock.hpp"
#include "common/limits.hpp"
#include "common/net.hpp"

namespace sysdist {

namespace {
void check(const rocksdb::Status& status, const char* what, const std::string& dir) {
  if (!status.ok()) {
    spdlog::critical("storage: {} in {} failed: {}", what, dir, status.ToString());
    std::abort();  // a storage error breaks the durability promise: stop rather than lie
  }
}
// RocksDB's own messages go to the node's log, not to a LOG file in the data dir: on a full
// disk a failed LOG write leaves RocksDB's log writer unusable (the next message aborts in
// Debian's build), and the node's console is where a human looks anyway.
class StorageLogger final : public rocksdb::Logger {
 public:
  StorageLogger() : rocksdb::Logger(rocksdb::InfoLogLevel::WARN_LEVEL) {}
  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override { Logv(rocksdb::InfoLogLevel::INFO_LEVEL, format, ap); }
  void Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) override {
    if (level < GetInfoLogLevel()) return;
    char text[1024];
    std::vsnprintf(text, sizeof text, format, ap);
    spdlog::log(level >= rocksdb::InfoLogLevel::ERROR_LEVEL ? spdlog::level::err : spdlog::level::warn, "rocksdb: {}",
                text);
  }
};

std::size_t batch_bytes(const Batch& batch) {
  std::size_t bytes = 0;
  for (const auto& m : batch) bytes += m.key.size() + (m.value ? m.value->size() : 0) + 16;
  return bytes;
}
bool no_space(const rocksdb::Status& status) {
  return status.IsNoSpace() || status.ToString().find("No space left") != std::string::npos;
}
std::uint64_t free_bytes(const std::string& dir) {
  struct statvfs fs {};
  if (::statvfs(dir.c_str(), &fs) != 0) return 0;
  return static_cast<std::uint64_t>(fs.f_bavail) * fs.f_frsize;
}
}  // namespace

RocksdbStore::RocksdbStore(const std::string& dir, Metrics& metrics, std::chrono::milliseconds slow_storage)
    : dir_(dir), metrics_(metrics), slow_storage_(slow_storage) {
  // Private to the node's user: every value is in here, and /admin/dump needs the secret.
  std::filesystem::create_directories(dir);
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all, std::filesystem::perm_options::replace);
  rocksdb::DBOptions options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  options.max_background_jobs = 1;  // five nodes share two cores
  options.max_open_files = limits::storage_open_files;  // part of the descriptor budget
  options.info_log = std::make_shared<StorageLogger>();
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
  // 16 MiB memtables (not RocksDB's 64): a flush and the log RocksDB preallocates (1.1 x a
  // memtable) fit the reserve kept free on a filling disk. Throughput measured the same
  // with 8 MiB memtables (README, Performance).
  family.write_buffer_size = limits::storage_memtable_bytes;
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
  if (auto status = db_->Close(); !status.ok()) spdlog::error("storage: close of {}: {}", dir_, status.ToString());
}

std::optional<std::string> RocksdbStore::get(Keyspace space, std::string_view key) const {
  std::string value;
  auto status = db_->Get(rocksdb::ReadOptions(), families_[static_cast<int>(space)],
                         rocksdb::Slice(key.data(), key.size()), &value);
  if (status.IsNotFound()) return std::nullopt;
  check(status, "get", dir_);
  return value;
}

void RocksdbStore::for_each(Keyspace space,
                            const std::function<void(std::string_view, std::string_view)>& visit) const {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), families_[static_cast<int>(space)]));
  for (it->SeekToFirst(); it->Valid(); it->Next())
    visit(std::string_view(it->key().data(), it->key().size()),
          std::string_view(it->value().data(), it->value().size()));
  check(it->status(), "scan", dir_);
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
  // Free space checked now (one statvfs, about a microsecond): a value cached by the storage
  // thread let an inline write meet a disk that filled meanwhile, and RocksDB then needed
  // minutes to recover (tried: cp_disk_full_test went from 7 s to 186 s).
  if (writing_ || !queue_.empty() || full_ || free_bytes(dir_) < limits::storage_reserve_bytes + 2 * batch_bytes(batch))
    return false;  // would overtake queued commits, or wait, or the disk is nearly full
  rocksdb::WriteBatch write;
  add_to(write, batch);
  rocksdb::WriteOptions options;
  options.no_slowdown = true;  // a write stall must not stop the event loop: queue instead
  auto status = db_->Write(options, &write);
  if (status.IsIncomplete() || no_space(status)) return false;  // the storage thread handles it
  check(status, "write", dir_);
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
    else if (!m.range_end.empty())
      write.DeleteRange(family, m.key, m.range_end);
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
    const auto start = Clock::now();
    if (slow_storage_.count() > 0 && sync) std::this_thread::sleep_for(slow_storage_);
    if (!write_group(write, sync)) continue;  // stopping on a full disk: never acknowledged
    const std::chrono::duration<double> took = Clock::now() - start;
    if (sync) metrics_.observe_seconds("sysdist_storage_fsync_seconds", "", took.count());
    count_write(group.size(), mutations);
    for (auto& pending : group) pending.done();
  }
}

bool RocksdbStore::write_group(rocksdb::WriteBatch& write, bool sync) {
  rocksdb::WriteOptions options;
  options.sync = sync;
  // Checked before writing: RocksDB should never meet a full disk itself (a failed log write
  // leaves its writer unusable), and the reserve lets it flush, compact and delete.
  auto room = [&] { return free_bytes(dir_) >= limits::storage_reserve_bytes + 2 * write.GetDataSize(); };
  auto status = room() ? db_->Write(options, &write) : rocksdb::Status::NoSpace("reserve reached");
  while (no_space(status)) {
    if (!full_) {
      full_ = true;
      metrics_.count("sysdist_storage_full_total", "");
      spdlog::error("storage: the disk of {} is full ({}): writes answer 507 until space is freed; reads go on",
                    dir_, status.ToString());
    }
    if (!wait_for_space()) return false;
    status = room() ? db_->Write(options, &write) : rocksdb::Status::NoSpace("reserve reached");
  }
  check(status, "write", dir_);
  if (full_) {
    full_ = false;
    spdlog::warn("storage: {} has room again ({} MiB free): writes resume", dir_, free_bytes(dir_) >> 20);
  }
  return true;
}

bool RocksdbStore::wait_for_space() {
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      if (wake_.wait_for(lock, limits::storage_full_check_interval, [this] { return stopping_; })) return false;
    }
    if (free_bytes(dir_) < limits::storage_resume_free_bytes) continue;
    if (auto resumed = db_->Resume(); resumed.ok()) return true;  // clears RocksDB's background error
  }
}

}  // namespace sysdist
