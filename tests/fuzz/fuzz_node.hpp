// FuzzNode: one real node of a five-member cluster, in memory, for fuzz targets. The other
// four members are absent (calls to them are refused at once), so every input runs the
// real mode and router code to an answer in microseconds. A fresh node per input keeps
// runs deterministic; the event loop is destroyed first, while what its pending coroutines
// refer to is still alive.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio.hpp>

#include "common/metrics.hpp"
#include "node/config.hpp"
#include "node/mode.hpp"
#include "peer/memory_transport.hpp"
#include "storage/memory_store.hpp"

namespace sysdist::fuzz {

namespace asio = boost::asio;

struct FuzzNode {
  std::optional<asio::io_context> io{std::in_place};
  Config config;
  MemoryStore store;
  Metrics metrics;
  MemoryNetwork network{io->get_executor(), 5};
  std::unique_ptr<Transport> transport = network.transport_for(0);
  std::unique_ptr<Mode> mode;

  explicit FuzzNode(const std::string& mode_name) {
    for (unsigned short m = 0; m < 5; ++m)
      config.membership.members.push_back({"127.0.0." + std::to_string(m + 1), static_cast<unsigned short>(3001 + m)});
    config.mode = mode_name;
    config.port = 3001;
    config.rpc_timeout = std::chrono::milliseconds(20);
    config.heartbeat_interval = std::chrono::milliseconds(5);
    config.election_timeout_min = std::chrono::milliseconds(200);
    config.election_timeout_max = std::chrono::milliseconds(400);
    mode = make_mode(ModeContext{config, store, *transport, metrics, 1});
    run(mode->start());
  }
  ~FuzzNode() {
    mode->stop();
    io.reset();  // destroys pending coroutine frames while the mode is alive
  }

  // Runs `task` until it completes (bounded: a hang is a finding).
  template <class T>
  T run(asio::awaitable<T> task) {
    std::optional<T> result;
    asio::co_spawn(*io, std::move(task), [&](std::exception_ptr e, T value) {
      if (e) std::rethrow_exception(e);
      result = std::move(value);
    });
    for (int turn = 0; !result; ++turn) {
      if (turn == 100000) __builtin_trap();  // never answered
      io->restart();
      io->run_one_for(std::chrono::milliseconds(50));
    }
    return std::move(*result);
  }
  void run(asio::awaitable<void> task) {
    auto wrapped = [](asio::awaitable<void> t) -> asio::awaitable<bool> {
      co_await std::move(t);
      co_return true;
    };
    run<bool>(wrapped(std::move(task)));
  }
};

// A peer request from fuzz bytes: "METHOD TARGET\nBODY".
inline PeerRequest peer_request_from(std::string_view input) {
  PeerRequest request;
  const auto newline = input.find('\n');
  const auto line = input.substr(0, newline);
  const auto space = line.find(' ');
  request.method = std::string(line.substr(0, space));
  request.target = space == std::string_view::npos ? "/" : std::string(line.substr(space + 1));
  if (newline != std::string_view::npos) request.body = std::string(input.substr(newline + 1));
  return request;
}

}  // namespace sysdist::fuzz
