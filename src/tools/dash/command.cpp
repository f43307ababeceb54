#include "tools/dash/command.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <thread>

#include "common/net.hpp"

extern char** environ;

namespace sysdist::dash {

namespace {
CommandResult run_blocking(const std::vector<std::string>& argv, std::chrono::seconds deadline) {
  CommandResult result;
  int pipe_fds[2];
  if (argv.empty() || ::pipe2(pipe_fds, O_CLOEXEC) != 0) return result;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 2);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int spawned = ::posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[1]);
  if (spawned != 0) {
    ::close(pipe_fds[0]);
    result.output = "cannot start " + argv[0] + ": " + std::strerror(spawned);
    return result;
  }
  // Reads until the command exits (what it leaves running in the background may keep the
  // pipe open: it is not waited for), killing it at the deadline.
  const auto give_up = std::chrono::steady_clock::now() + deadline;
  bool killed = false, exited = false;
  int status = 0;
  while (!exited) {
    if (!killed && std::chrono::steady_clock::now() >= give_up) {
      ::kill(pid, SIGKILL);
      killed = true;
    }
    pollfd watch{pipe_fds[0], POLLIN, 0};
    if (::poll(&watch, 1, 50) > 0) {
      char chunk[4096];
      const auto n = ::read(pipe_fds[0], chunk, sizeof chunk);
      if (n > 0) result.output.append(chunk, static_cast<std::size_t>(n));
      if (result.output.size() > max_output_bytes) result.output.erase(0, result.output.size() - max_output_bytes);
    }
    exited = ::waitpid(pid, &status, WNOHANG) == pid;
  }
  for (pollfd watch{pipe_fds[0], POLLIN, 0}; ::poll(&watch, 1, 0) > 0;) {  // what it wrote last
    char chunk[4096];
    const auto n = ::read(pipe_fds[0], chunk, sizeof chunk);
    if (n <= 0 || result.output.size() > max_output_bytes) break;
    result.output.append(chunk, static_cast<std::size_t>(n));
  }
  ::close(pipe_fds[0]);
  result.exit_code = !killed && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}
}  // namespace

// Not a coroutine (g++ 12 destroys a lambda built inside a co_await expression twice): it
// returns the awaitable operation itself. The result is posted to the caller's executor.
asio::awaitable<CommandResult> run_command(std::vector<std::string> argv, std::chrono::seconds deadline) {
  auto start = [argv = std::move(argv), deadline](auto handler) mutable {
    auto executor = asio::get_associated_executor(handler);
    std::thread([executor, argv = std::move(argv), deadline, handler = std::move(handler)]() mutable {
      auto result = run_blocking(argv, deadline);
      asio::post(executor, [handler = std::move(handler), result = std::move(result)]() mutable {
        std::move(handler)(std::move(result));
      });
    }).detach();
  };
  return asio::async_initiate<decltype(asio::use_awaitable), void(CommandResult)>(std::move(start), asio::use_awaitable);
}

}  // namespace sysdist::dash
