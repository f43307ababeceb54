#include "sim/world.hpp"

#include <cstdio>
#include <cstdlib>

#include <boost/asio/post.hpp>

namespace sysdist::sim {

namespace {
constexpr std::size_t max_handlers_per_instant = 2'000'000;
}

World::World(std::uint64_t seed, bool keep_trace)
    : io_(std::make_unique<boost::asio::io_context>(1)),
      random_(seed),
      keep_trace_(keep_trace),
      live_(std::getenv("SYSDIST_SIM_LIVE_TRACE") != nullptr) {}

World::~World() {
  time_.drop_waits();
  io_.reset();
}

void World::discard_pending() {
  time_.drop_waits();
  io_.reset();
  io_ = std::make_unique<boost::asio::io_context>(1);
}

bool World::run_until(Clock::time_point end, const std::function<void()>& after_step) {
  for (;;) {
    std::size_t ran = 0, batch = 0;
    do {
      io_->restart();  // poll() stops the context when it runs out of work
      batch = io_->poll();
      ran += batch;
      if (ran > max_handlers_per_instant) return false;
    } while (batch > 0);
    if (ran > 0) {
      ++steps_;
      if (after_step) after_step();
    }
    if (now() >= end) return true;
    const auto next = time_.next_deadline();
    time_.advance_to(next && *next < end ? *next : end);
  }
}

void World::trace(std::string_view event) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now().time_since_epoch()).count();
  std::string line = std::to_string(ms) + " " + std::string(event) + "\n";
  for (unsigned char c : line) digest_ = (digest_ ^ c) * 1099511628211ull;
  if (keep_trace_) trace_ += line;
  if (live_) std::fputs(line.c_str(), stderr);
}

}  // namespace sysdist::sim
