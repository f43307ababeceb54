#include "sim/cluster.hpp"

#include <boost/asio.hpp>

#include "peer/batching_transport.hpp"

namespace sysdist::sim {

namespace asio = boost::asio;

Config loopback_config(std::size_t self, const std::string& mode) {
  Config c;
  for (std::size_t m = 0; m < Cluster::nodes; ++m)
    c.membership.members.push_back({"127.0.0." + std::to_string(m + 1), static_cast<unsigned short>(3001 + m)});
  c.membership.self = self;
  c.mode = mode;
  c.port = static_cast<unsigned short>(3001 + self);
  return c;
}

Cluster::Cluster(World& world, const std::string& mode, const std::function<void(Config&)>& tune, MakeMode make)
    : world_(world), make_(std::move(make)), network_(world.io().get_executor(), nodes) {
  network_.set_random([&world] { return world.random(); });
  network_.set_trace([&world](std::string_view event) { world.trace(event); });
  for (std::size_t i = 0; i < nodes; ++i) {
    configs_[i] = loopback_config(i, mode);
    tune(configs_[i]);
  }
  for (std::size_t i = 0; i < nodes; ++i) start(i);
}

Cluster::~Cluster() {
  for (auto& m : modes_)
    if (m) m->stop();
  world_.discard_pending();  // suspended coroutines go before the modes they refer to
}

void Cluster::start(std::size_t i) {
  world_.trace("start " + std::to_string(i + 1));
  stores_[i] = std::make_unique<SimStore>(disks_[i]);
  transports_[i] = make_batching_transport(network_.transport_for(i), configs_[i].peer_calls_in_flight, metrics_);
  ModeContext context{configs_[i], *stores_[i], *transports_[i], metrics_, ++incarnations_[i]};
  context.wall_ms = [this, i] { return world_.wall_ms() + static_cast<std::uint64_t>(wall_offset_ms_[i]); };
  context.seed = world_.random();
  auto mode = make_(context, i);  // reachable by clients and peers only once started
  bool started = false;
  asio::co_spawn(world_.io(), mode->start(), [&started](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
    started = true;
  });
  // As a real node: recover, then serve.
  for (int waited = 0; !started; ++waited) {
    if (waited == 10'000) throw std::runtime_error("node " + std::to_string(i + 1) + " did not start");
    world_.run_for(std::chrono::milliseconds(1));
  }
  modes_[i] = std::move(mode);
  network_.attach(i, serve_batches(peer_routes_of(*modes_[i])));
}

void Cluster::crash(std::size_t i) {
  world_.trace("crash " + std::to_string(i + 1));
  network_.crash(i);
  stores_[i]->crash();
  modes_[i]->stop();
  dead_modes_.push_back(std::move(modes_[i]));
  dead_stores_.push_back(std::move(stores_[i]));
  dead_transports_.push_back(std::move(transports_[i]));
}

}  // namespace sysdist::sim
