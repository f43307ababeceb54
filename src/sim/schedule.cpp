#include "sim/schedule.hpp"

#include <random>

namespace sysdist::sim {

namespace {
constexpr std::size_t nodes = 5;
// How often each fault is drawn (per 100 steps).
struct Weight {
  Fault fault;
  unsigned weight;
};
constexpr Weight weights[] = {
    {Fault::calm, 10},     {Fault::crash, 10},     {Fault::crash_many, 4},  {Fault::restart, 18},
    {Fault::isolate, 10},  {Fault::cut_pair, 8},   {Fault::cut_one_way, 6}, {Fault::heal, 12},
    {Fault::delay, 6},     {Fault::loss, 4},       {Fault::duplicate, 4},   {Fault::clock_jump, 4},
    {Fault::slow_disk, 4},
};
}  // namespace

std::vector<Step> make_schedule(std::uint64_t seed, std::size_t length) {
  std::mt19937_64 random(seed * 0x9E3779B97F4A7C15ull + 1);  // not the world's sequence
  unsigned total = 0;
  for (auto w : weights) total += w.weight;
  std::vector<Step> steps;
  for (std::size_t i = 0; i < length; ++i) {
    Step step;
    auto pick = random() % total;
    for (auto w : weights) {
      if (pick < w.weight) {
        step.fault = w.fault;
        break;
      }
      pick -= w.weight;
    }
    step.node = random() % nodes;
    step.other = (step.node + 1 + random() % (nodes - 1)) % nodes;
    switch (step.fault) {
      case Fault::delay: step.amount = 1 + static_cast<std::int64_t>(random() % 20); break;
      case Fault::loss: step.amount = 10 + static_cast<std::int64_t>(random() % 200); break;
      case Fault::duplicate: step.amount = 10 + static_cast<std::int64_t>(random() % 300); break;
      case Fault::clock_jump: step.amount = static_cast<std::int64_t>(random() % 10'001) - 5'000; break;
      case Fault::slow_disk: step.amount = static_cast<std::int64_t>(random() % 50); break;
      default: break;
    }
    steps.push_back(step);
  }
  return steps;
}

std::string describe(const Step& step) {
  const auto n = std::to_string(step.node + 1), o = std::to_string(step.other + 1), a = std::to_string(step.amount);
  switch (step.fault) {
    case Fault::calm: return "calm";
    case Fault::crash: return "crash " + n;
    case Fault::crash_many: return "crash " + n + " and others";
    case Fault::restart: return "restart";
    case Fault::isolate: return "isolate " + n;
    case Fault::cut_pair: return "cut " + n + "-" + o;
    case Fault::cut_one_way: return "cut " + n + "->" + o;
    case Fault::heal: return "heal";
    case Fault::delay: return "delay 0-" + a + " ms";
    case Fault::loss: return "loss " + a + "/1000";
    case Fault::duplicate: return "duplicate " + a + "/1000";
    case Fault::clock_jump: return "clock of " + n + " jumps " + a + " ms";
    case Fault::slow_disk: return "disk of " + n + " syncs in " + a + " ms";
  }
  return "?";
}

}  // namespace sysdist::sim
