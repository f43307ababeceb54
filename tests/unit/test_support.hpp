// Helpers for unit tests that drive coroutines: run one to completion on a test's
// io_context (bounded in real time), and let simulated time pass.
#pragma once
#include <chrono>
#include <optional>

#include <boost/asio.hpp>
#include <boost/test/unit_test.hpp>

namespace sysdist::test {

namespace asio = boost::asio;

// Runs `task` on `io` until it completes (other work on `io` runs meanwhile). Fails the
// test if it has not completed within `limit` of real time.
template <class T>
T run(asio::io_context& io, asio::awaitable<T> task, std::chrono::seconds limit = std::chrono::seconds(30)) {
  std::optional<T> result;
  std::exception_ptr failure;
  bool done = false;
  asio::co_spawn(io, std::move(task), [&](std::exception_ptr e, T value) {
    failure = e;
    if (!e) result = std::move(value);
    done = true;
  });
  const auto give_up = std::chrono::steady_clock::now() + limit;
  while (!done && std::chrono::steady_clock::now() < give_up) {
    io.restart();
    io.run_one_for(std::chrono::milliseconds(50));
  }
  BOOST_REQUIRE_MESSAGE(done, "task did not complete in time");
  if (failure) std::rethrow_exception(failure);
  return std::move(*result);
}

inline void run(asio::io_context& io, asio::awaitable<void> task,
                std::chrono::seconds limit = std::chrono::seconds(30)) {
  auto wrapped = [](asio::awaitable<void> t) -> asio::awaitable<bool> {
    co_await std::move(t);
    co_return true;
  };
  run<bool>(io, wrapped(std::move(task)), limit);
}

// Lets `duration` of real time pass while `io` does its work.
inline void settle(asio::io_context& io, std::chrono::milliseconds duration) {
  io.restart();
  io.run_for(duration);
}

}  // namespace sysdist::test
