// Narrator: what a node's console says about one kind of protocol step. At demo rates every
// step gets its own info line (who asked, what was stored or answered); under load, once
// `per_second` lines were printed in a second, the rest of that second is counted and
// summed up in one line ("applied 1234 more entries in the last second") instead of
// flooding the pane -- or falling silent.
#pragma once
#include <cstddef>
#include <memory>
#include <string>

#include <spdlog/logger.h>

#include "common/clock.hpp"

namespace sysdist {

class Narrator {
 public:
  Narrator(std::shared_ptr<spdlog::logger> log, std::string summary, std::size_t per_second = 20)
      : log_(std::move(log)), summary_(std::move(summary)), per_second_(per_second) {}

  // `line` builds the step's text (empty: nothing worth telling); it is called only when
  // the line would be printed, so under load a step costs a clock read and a count.
  template <class Line>
  void step(Line&& line) {
    if (!log_->should_log(spdlog::level::info)) return;
    roll();
    if (printed_ >= per_second_) {
      ++held_;
      return;
    }
    const std::string text = line();
    if (text.empty()) return;
    ++printed_;
    log_->info("{}", text);
  }

 private:
  // A new second: print what the last one held back.
  void roll() {
    const auto now = Clock::now();
    if (now - second_began_ < std::chrono::seconds(1)) return;
    if (held_ > 0) log_->info("{} {} more in the last second", summary_, held_);
    second_began_ = now;
    printed_ = held_ = 0;
  }

  std::shared_ptr<spdlog::logger> log_;
  std::string summary_;
  std::size_t per_second_;
  Clock::time_point second_began_{};
  std::size_t printed_ = 0, held_ = 0;
};

}  // namespace sysdist
