#include "common/clock.hpp"

namespace sysdist {

namespace {
VirtualTime* installed = nullptr;  // the simulation of this process, if one runs
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

void VirtualTime::note(Clock::time_point deadline) {
  if (deadline > now_ && deadline != Clock::time_point::max()) deadlines_.push(deadline);
}

std::optional<Clock::time_point> VirtualTime::next_deadline() {
  while (!deadlines_.empty() && deadlines_.top() <= now_) deadlines_.pop();
  if (deadlines_.empty()) return std::nullopt;
  return deadlines_.top();
}

void VirtualTime::advance_to(Clock::time_point t) {
  if (t > now_) now_ = t;
}

std::uint64_t VirtualTime::wall_ms() const {
  return virtual_epoch_ms + static_cast<std::uint64_t>(
                                std::chrono::duration_cast<std::chrono::milliseconds>(now_.time_since_epoch()).count());
}

void Timer::note(Clock::time_point at) {
  if (installed) installed->note(at);
}

}  // namespace sysdist
