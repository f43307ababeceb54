#include "node/node.hpp"

#include <unistd.h>

#include "common/clock.hpp"
#include "common/limits.hpp"
#include "common/net.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "node/connection_budgets.hpp"
#include "node/data_dir.hpp"
#include "common/logging.hpp"
#include "node/mode.hpp"
#include "peer/batching_transport.hpp"
#include "peer/http_transport.hpp"
#include "peer/observed_transport.hpp"
#include "node/event_stream.hpp"
#include "storage/rocksdb_store.hpp"

namespace sysdist {

namespace {
// The node's event loop. After run() it destroys what is still pending (suspended
// coroutines of requests, peer calls and background loops) while the mode, router and store
// they point into still exist: left to the io_context's destructor, they would be destroyed
// after those objects, and their destructors could touch freed memory.
class EventLoop : public asio::io_context {
 public:
  using asio::io_context::io_context;
  void destroy_pending() { shutdown(); }
};
}  // namespace

namespace {
// Reads, bumps and durably stores this node's incarnation number.
std::uint64_t next_incarnation(asio::io_context& io, Store& store) {
  std::uint64_t incarnation = 1;
  if (auto stored = store.get(Keyspace::meta, "incarnation")) incarnation = std::stoull(*stored) + 1;
  Batch batch{{Keyspace::meta, "incarnation", std::to_string(incarnation)}};
  asio::co_spawn(io, store.commit(std::move(batch)), log_failure("incarnation"));
  io.run();
  io.restart();
  return incarnation;
}
// /admin/status's "peers": each other node and the last call to it, as seen from here.
boost::json::array peer_view(const Membership& membership, const std::vector<PeerHealth>& health) {
  boost::json::array peers;
  const auto now = Clock::now();
  for (auto i : membership.others()) {
    boost::json::object peer{{"node", i + 1}, {"address", membership.members[i].address()}};
    if (i < health.size() && health[i].when != Clock::time_point{}) {
      peer["last_call"] = health[i].last_outcome;
      peer["ms_ago"] = std::chrono::duration_cast<std::chrono::milliseconds>(now - health[i].when).count();
    } else {
      peer["last_call"] = "none yet";
    }
    peers.push_back(std::move(peer));
  }
  return peers;
}
}  // namespace

int Node::run() {
  setup_logging(config_.log_level, std::to_string(config_.port));
  auto log = logger("node");
  EventLoop io(1);
  Metrics metrics;
  std::unique_ptr<Store> store;
  std::unique_ptr<Mode> mode;
  try {
    store = std::make_unique<RocksdbStore>(config_.data_dir, metrics, config_.slow_storage);
  } catch (const std::exception& e) {
    log->critical("{}", e.what());
    return 1;
  }
  if (auto refusal = claim_data_dir(io, *store, config_)) {
    log->critical("{}", *refusal);
    return 1;
  }
  const auto incarnation = next_incarnation(io, *store);
  EventBus events(incarnation);
  auto observed = std::make_unique<ObservedTransport>(
      make_batching_transport(make_http_transport(io.get_executor(), config_.membership, config_.secret, metrics),
                              config_.peer_calls_in_flight, metrics),
      events, config_.membership.size(), config_.membership.self);
  auto& links = *observed;
  std::unique_ptr<Transport> transport = std::move(observed);
  try {
    ModeContext context{config_, *store, *transport, metrics, incarnation};
    context.events = &events;
    mode = make_mode(context);
  } catch (const std::exception& e) {
    log->critical("{}", e.what());
    return 2;
  }
  const auto budgets = connection_budgets(raise_fd_limit(), config_.membership.size(), config_.max_client_connections);
  log->info("{}", describe(budgets));
  Router router(*mode, serve_batches(peer_routes_of(*mode)), config_, metrics);
  router.storage_full = [&store] { return store->full(); };
  EventStream event_stream(io.get_executor(), events, [&router] { return router.status(); },
                           [&links] { return boost::json::object{{"peers", links.take_links()}}; });
  router.open_events = [&](const HttpRequest& request) { return event_stream.open(request); };
  router.on_client_request = [&](const HttpRequest& request, const HttpResponse& response, double seconds) {
    event_stream.client_request(request, response, seconds);
  };
  std::unique_ptr<HttpServer> server;
  int exit_code = 0;

  auto startup = [&]() -> asio::awaitable<void> {
    co_await mode->start();
    try {
      server = start_http_server(io.get_executor(), config_.host, config_.port, router, budgets, config_.membership,
                                 metrics);
    } catch (const std::exception& e) {
      log->critical("cannot listen on {}:{}: {}", config_.host, config_.port, e.what());
      exit_code = 1;
      io.stop();
      co_return;
    }
    router.add_status = [&](boost::json::object& status) {
      status["pid"] = ::getpid();  // for fault tools (sysdist-check's kill and pause)
      status["connections"] = server->connections();
      status["peers"] = peer_view(config_.membership, transport->health());
    };
    event_stream.start();
    log->info("node {} serving {} mode on {}:{} (data {}, incarnation {})", config_.membership.self + 1, config_.mode,
              config_.host, config_.port, config_.data_dir, incarnation);
    if (config_.secret.empty())
      log->warn("no cluster secret: peer and admin routes are open to every local process "
                "(set SYSDIST_SECRET; bin/cluster and bin/demo create one)");
  };
  auto shutdown = [&]() -> asio::awaitable<void> {
    log->info("shutting down: no new requests, finishing {} in flight", router.in_flight());
    if (server) server->stop_accepting();
    router.start_shutdown();
    event_stream.stop();
    const auto give_up = Clock::now() + limits::shutdown_drain;
    Timer tick(io.get_executor());
    while (router.in_flight() > 0 && Clock::now() < give_up) {
      tick.expires_after(std::chrono::milliseconds(20));
      co_await tick.async_wait(asio::use_awaitable);
    }
    mode->stop();
    io.stop();
  };

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code ec, int) {
    if (ec) return;
    signals.async_wait([&](boost::system::error_code ec2, int) {
      if (!ec2) io.stop();
    });  // second signal: now
    asio::co_spawn(io, shutdown, log_failure("shutdown"));
  });
  asio::co_spawn(io, startup, log_failure("startup"));
  io.run();
  io.destroy_pending();  // while everything the suspended coroutines refer to still exists
  server.reset();
  mode.reset();
  transport.reset();
  store.reset();  // writes everything still queued, then closes
  log->info("stopped");
  return exit_code;
}

}  // namespace sysdist
