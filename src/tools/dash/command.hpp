// run_command(): runs a program (the fault scripts of bin/, sysdist-check) without a shell
// on a thread of its own, so the dashboard's event loop never blocks, and resumes the
// caller on that loop with its exit code and the end of its output (stdout and stderr,
// at most max_output_bytes). A command still running at its deadline is killed.
#pragma once
#include <chrono>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

namespace sysdist::dash {

struct CommandResult {
  int exit_code = -1;  // -1: it could not start, or was killed at its deadline
  std::string output;
};

inline constexpr std::size_t max_output_bytes = 64 * 1024;

boost::asio::awaitable<CommandResult> run_command(std::vector<std::string> argv, std::chrono::seconds deadline);

}  // namespace sysdist::dash
