#include "sim/simulation.hpp"

#include <spdlog/spdlog.h>


namespace sysdist::sim {

namespace {

// Applies one step's fault. `links` is the network's current per-message fault set.
void apply(const Step& step, World& world, Cluster& cluster, LinkFaults& links) {
  auto& network = cluster.network();
  switch (step.fault) {
    case Fault::calm: break;
    case Fault::crash:
      if (cluster.up(step.node)) cluster.crash(step.node);
      break;
    case Fault::crash_many:
      for (std::size_t k = 0, count = 2 + world.below(2), node = step.node; k < count; ++k) {
        if (cluster.up(node)) cluster.crash(node);
        node = (node + 1 + world.below(Cluster::nodes - 1)) % Cluster::nodes;
      }
      break;
    case Fault::restart:
      for (std::size_t k = 0; k < Cluster::nodes; ++k)
        if (auto node = (step.node + k) % Cluster::nodes; !cluster.up(node)) {
          cluster.start(node);
          break;
        }
      break;
    case Fault::isolate: network.isolate(step.node); break;
    case Fault::cut_pair: network.cut(step.node, step.other); break;
    case Fault::cut_one_way: network.cut_one_way(step.node, step.other); break;
    case Fault::heal:
      network.heal();
      links = {};
      break;
    case Fault::delay: links.max_delay = std::chrono::milliseconds(step.amount); break;
    case Fault::loss: links.loss_per_mille = static_cast<unsigned>(step.amount); break;
    case Fault::duplicate: links.duplicate_per_mille = static_cast<unsigned>(step.amount); break;
    case Fault::clock_jump: cluster.set_wall_offset(step.node, cluster.wall_offset(step.node) + step.amount); break;
    case Fault::slow_disk:
      if (cluster.up(step.node)) cluster.store(step.node).set_sync_latency(std::chrono::milliseconds(step.amount));
      break;
  }
  network.set_faults(links);
}

// Every fault gone: links healed, every node up, disks fast again.
void heal_everything(Cluster& cluster) {
  cluster.network().heal();
  cluster.network().set_faults({});
  for (std::size_t i = 0; i < Cluster::nodes; ++i) {
    if (!cluster.up(i)) cluster.start(i);
    cluster.store(i).set_sync_latency(Clock::duration::zero());
  }
}

}  // namespace

RunResult run_once(const RunOptions& options) {
  spdlog::set_level(spdlog::level::off);  // a run's story is its trace
  auto checker = checker_for(options.mode);
  auto steps = options.steps.empty() ? make_schedule(options.seed, options.schedule_length) : options.steps;
  RunResult result;
  World world(options.seed, options.keep_trace);
  {
    Cluster cluster(world, options.mode, [&](Config& c) { checker->tune(c); },
                    [&](const ModeContext& context, std::size_t node) { return checker->make_mode(context, node); });
    Clients clients(world, cluster, checker->workload());
    clients.start();
    const auto check = [&] { checker->after_step(cluster); };
    try {
      LinkFaults links;
      for (auto& step : steps) {
        // The fault strikes at a random moment of its step: in the middle of protocol rounds.
        const auto before = Clock::duration(world.below(static_cast<std::uint64_t>(options.step_length.count())));
        const bool ran = world.run_for(before, check);
        world.trace("fault " + describe(step));
        if (!checker->strike(step, world, cluster)) apply(step, world, cluster, links);
        if (!ran || !world.run_for(options.step_length - before, check))
          throw Violation("livelock: handlers ran without time passing");
      }
      world.trace("heal everything");
      checker->disarm();
      heal_everything(cluster);
      world.run_for(std::chrono::seconds(1), check);
      clients.stop();
      for (int i = 0; i < 100 && !clients.idle(); ++i) world.run_for(std::chrono::milliseconds(100), check);
      checker->finish(world, cluster, clients);
    } catch (const Violation& v) {
      result.failure = v.what();
      world.trace(std::string("violation: ") + v.what());
    }
    result.ops = clients.history().size();
  }
  result.digest = world.digest();
  result.trace = world.full_trace();
  result.instants = world.steps();
  return result;
}

std::vector<std::size_t> shrink(const RunOptions& failing, std::size_t tries) {
  const auto original = failing.steps.empty() ? make_schedule(failing.seed, failing.schedule_length) : failing.steps;
  std::vector<std::size_t> kept(original.size());
  for (std::size_t i = 0; i < kept.size(); ++i) kept[i] = i;
  // Drop one step at a time, latest first; keep the drop whenever the run still fails.
  for (std::size_t at = kept.size(); at > 0 && tries > 0; --at) {
    auto candidate = kept;
    candidate.erase(candidate.begin() + static_cast<std::ptrdiff_t>(at - 1));
    RunOptions attempt = failing;
    attempt.steps.clear();
    for (auto i : candidate) attempt.steps.push_back(original[i]);
    if (attempt.steps.empty()) attempt.steps.push_back(Step{});  // an empty list means "draw from the seed"
    --tries;
    if (run_once(attempt).failure) kept = std::move(candidate);
  }
  return kept;
}

}  // namespace sysdist::sim
