// Schedule: a run's faults, as a list of steps drawn from the seed. Each step applies one
// fault (or none) and lets the cluster and its clients run for a while. A failing run
// shrinks by dropping steps; the kept step numbers replay it (bin/sim --steps).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace sysdist::sim {

enum class Fault {
  calm,         // nothing new happens
  crash,        // kill -9 of one node (its unsynced writes are lost)
  crash_many,   // a shared power failure: two or three nodes at once
  restart,      // one crashed node comes back (or, if none is down, calm)
  isolate,      // one node cut from every other
  cut_pair,     // two nodes cannot talk
  cut_one_way,  // messages from one node to another are lost, the other way works
  heal,         // every cut removed, every link fault cleared
  delay,        // every message delayed by a random 0..amount ms each way (reordering)
  loss,         // amount per mille of messages lost
  duplicate,    // amount per mille of requests delivered twice
  clock_jump,   // one node's wall clock jumps by amount ms, forward or back (AP versions)
  slow_disk,    // one node's syncs take amount ms
};

struct Step {
  Fault fault = Fault::calm;
  std::size_t node = 0, other = 0;
  std::int64_t amount = 0;
};

std::vector<Step> make_schedule(std::uint64_t seed, std::size_t length);
std::string describe(const Step& step);

}  // namespace sysdist::sim
