// Logging: one named spdlog logger per component ("node", "http", "peer", "storage", "ca"),
// all printing to stdout in one pattern so five tmux panes read like the original's console.
// log_failure() is the completion handler for every co_spawn: an escaping exception is
// logged, never silently dropped.
#pragma once
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <spdlog/logger.h>

namespace sysdist {

// Sets the level and the pattern; `node_label` (e.g. "3001") starts every line.
void setup_logging(const std::string& level, const std::string& node_label);
std::shared_ptr<spdlog::logger> logger(const std::string& component);

// Every line logged from the calling thread (the node's event loop) at info or above is
// also handed to `tap` (/admin/events' "log" events); lines from other threads are not.
// An empty tap stops it.
using LogTap = std::function<void(std::string_view level, std::string_view component, std::string_view text)>;
void set_log_tap(LogTap tap);

// Keys and values as logs show them: at most 60 bytes, so a 1 MiB value stays one short line,
// control characters escaped (common/checks.hpp escaped()).
std::string preview(std::string_view text);

struct LogFailure {
  std::string what;
  void operator()(std::exception_ptr failure) const;
  template <class T>
  void operator()(std::exception_ptr failure, const T&) const {
    (*this)(failure);
  }
};
inline LogFailure log_failure(std::string what) { return LogFailure{std::move(what)}; }

}  // namespace sysdist
