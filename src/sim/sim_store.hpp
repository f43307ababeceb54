// SimStore: one node's view of its disk (a MemoryStore that outlives the node's lives),
// with the crash model of a real disk. Commits complete in order, one after another:
// a durable one after the disk's sync latency (slow disks: a latency the simulator sets),
// an ordered one as soon as those before it are done. crash() loses every ordered commit
// since the last durable one (undone, newest first) and every commit not yet complete;
// afterwards commits never complete (a dead process writes nothing more).
#pragma once
#include <cstdint>
#include <vector>

#include "common/clock.hpp"
#include "common/condition.hpp"
#include "storage/store.hpp"

namespace sysdist::sim {

class SimStore final : public Store {
 public:
  explicit SimStore(Store& disk) : disk_(disk) {}
  void crash();
  void set_sync_latency(Clock::duration latency) { sync_latency_ = latency; }

  std::optional<std::string> get(Keyspace s, std::string_view k) const override { return disk_.get(s, k); }
  void for_each(Keyspace s, const std::function<void(std::string_view, std::string_view)>& visit) const override {
    disk_.for_each(s, visit);
  }
  boost::asio::awaitable<void> commit(Batch batch, Durability durability = Durability::durable) override;
  std::size_t syncs() const { return syncs_; }

 private:
  boost::asio::awaitable<void> apply(Batch batch, Durability durability);

  Store& disk_;
  bool crashed_ = false;
  Clock::duration sync_latency_{0};
  std::size_t syncs_ = 0;
  std::uint64_t issued_ = 0, completed_ = 0;  // commits run in issue order
  Condition turn_;                             // a commit completed: the next may start
  std::vector<Batch> not_yet_durable_;        // undo records of ordered commits since the last durable one
};

}  // namespace sysdist::sim
