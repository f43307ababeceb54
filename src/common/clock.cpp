#include "common/clock.hpp"

#include <algorithm>

#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>

namespace sysdist {

namespace {
thread_local VirtualTime* installed = nullptr;  // the simulation this thread runs, if any
constexpr std::uint64_t virtual_epoch_ms = 1'800'000'000'000;  // 2027-01-15, a fixed wall start
}  // namespace

Clock::time_point Clock::now() noexcept {
  if (installed) return installed->now();
  return time_point(std::chrono::steady_clock::now().time_since_epoch());
}

std::uint64_t wall_ms_now() {
  if (installed) return installed->wall_ms();
  const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count());
}

// Virtual time starts one hour in: code may subtract durations from "now".
VirtualTime::VirtualTime() : now_(std::chrono::hours(1)) { installed = this; }
VirtualTime::~VirtualTime() {
  if (installed == this) installed = nullptr;
}

std::uint64_t VirtualTime::wall_ms() const {
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(now_.time_since_epoch()).count();
  return virtual_epoch_ms + static_cast<std::uint64_t>(elapsed);
}

std::optional<Clock::time_point> VirtualTime::next_deadline() const {
  if (waits_.empty()) return std::nullopt;
  return waits_.begin()->first.first;
}

void VirtualTime::advance_to(Clock::time_point t) {
  if (t > now_) now_ = t;
  while (!waits_.empty() && waits_.begin()->first.first <= now_) finish(waits_.begin()->first, {});
}

VirtualTime::WaitKey VirtualTime::add(Clock::time_point deadline, Timer* owner, TimerHandler handler,
                                      boost::asio::any_io_executor ex) {
  const WaitKey key{deadline, ++arrivals_};
  waits_.emplace(key, Wait{owner, std::move(handler), std::move(ex)});
  return key;
}

void VirtualTime::finish(WaitKey key, boost::system::error_code ec) {
  auto it = waits_.find(key);
  if (it == waits_.end()) return;
  auto wait = std::move(it->second);
  waits_.erase(it);
  auto& owned = wait.owner->waits_;
  owned.erase(std::find(owned.begin(), owned.end(), key));
  boost::asio::post(wait.executor, [handler = std::move(wait.handler), ec]() mutable { std::move(handler)(ec); });
}

void VirtualTime::drop_waits() {
  auto dropped = std::move(waits_);  // destroying a handler may destroy timers that look here
  waits_.clear();
}

Timer::Timer(const executor_type& ex) : Timer(ex, Clock::time_point::max()) {}
Timer::Timer(const executor_type& ex, Clock::duration after) : Timer(ex, Clock::now() + after) {}
Timer::Timer(const executor_type& ex, Clock::time_point at) : executor_(ex), expiry_(at) {
  if (!installed) real_ = std::make_unique<boost::asio::basic_waitable_timer<Clock>>(ex, at);
}
Timer::~Timer() { cancel(); }

std::size_t Timer::expires_at(Clock::time_point at) {
  expiry_ = at;
  if (real_) return real_->expires_at(at);
  return cancel();
}
std::size_t Timer::expires_after(Clock::duration after) { return expires_at(Clock::now() + after); }

std::size_t Timer::cancel() {
  if (real_) return real_->cancel();
  if (!installed) return 0;  // the simulation is over: nothing will run again
  const auto pending = waits_;
  for (auto key : pending) installed->finish(key, boost::asio::error::operation_aborted);
  return pending.size();
}

void Timer::start_wait(TimerHandler handler) {
  auto slot = boost::asio::get_associated_cancellation_slot(handler);
  auto key = installed->add(expiry_, this, std::move(handler), executor_);
  waits_.push_back(key);
  if (slot.is_connected())  // cancelling the operation (e.g. a stopped coroutine) ends the wait
    slot.assign([key](boost::asio::cancellation_type) {
      if (installed) installed->finish(key, boost::asio::error::operation_aborted);
    });
}

}  // namespace sysdist
