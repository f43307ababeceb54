#include "sim/sim_store.hpp"

#include <boost/asio.hpp>

namespace sysdist::sim {

namespace asio = boost::asio;

namespace {
asio::awaitable<void> hang_forever() {
  Timer forever(co_await asio::this_coro::executor, Clock::time_point::max());
  co_await forever.async_wait(asio::as_tuple(asio::use_awaitable));
}

// A store that applies a batch at once, outside any coroutine (the disk behind a SimStore).
void apply_now(Store& disk, Batch batch) {
  asio::io_context io;
  asio::co_spawn(io, disk.commit(std::move(batch)), asio::detached);
  io.run();
}
}  // namespace

void SimStore::crash() {
  crashed_ = true;
  Batch undo;  // newest first
  for (auto batch = not_yet_durable_.rbegin(); batch != not_yet_durable_.rend(); ++batch)
    undo.insert(undo.end(), batch->rbegin(), batch->rend());
  not_yet_durable_.clear();
  apply_now(disk_, std::move(undo));
}

asio::awaitable<void> SimStore::commit(Batch batch, Durability durability) {
  auto executor = co_await asio::this_coro::executor;
  const auto ticket = ++issued_;
  std::function<bool()> my_turn = [this, ticket] { return completed_ + 1 == ticket; };
  co_await turn_.wait_until(std::move(my_turn));
  if (crashed_) co_await hang_forever();
  if (durability == Durability::durable && sync_latency_.count() > 0) {
    Timer sync(executor, sync_latency_);
    co_await sync.async_wait(asio::as_tuple(asio::use_awaitable));
    if (crashed_) co_await hang_forever();  // the sync never finished: nothing of it is on disk
  }
  co_await apply(std::move(batch), durability);
  ++completed_;
  turn_.notify();
}

asio::awaitable<void> SimStore::apply(Batch batch, Durability durability) {
  if (durability == Durability::durable) {
    ++syncs_;
    not_yet_durable_.clear();  // the log is one stream: this sync covers what came before
  } else {
    Batch undo;
    for (auto& m : batch) {
      if (m.range_end.empty()) {
        undo.push_back({m.space, m.key, disk_.get(m.space, m.key)});
        continue;
      }
      disk_.for_each(m.space, [&](std::string_view key, std::string_view value) {  // every key the range drops
        if (key >= m.key && key < m.range_end) undo.push_back({m.space, std::string(key), std::string(value)});
      });
    }
    not_yet_durable_.push_back(std::move(undo));
  }
  co_await disk_.commit(std::move(batch));
}

}  // namespace sysdist::sim
