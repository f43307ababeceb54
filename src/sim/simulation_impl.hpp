// complete(): template part of sim/simulation.hpp.
#pragma once
#include <boost/asio/co_spawn.hpp>

namespace sysdist::sim {

template <class T>
T complete(World& world, boost::asio::awaitable<T> task, Clock::duration limit) {
  struct State {
    std::optional<T> result;
    std::exception_ptr failure;
  };
  auto state = std::make_shared<State>();  // outlives this call if the task never ends
  boost::asio::co_spawn(world.io(), std::move(task), [state](std::exception_ptr e, T value) {
    state->failure = e;
    if (!e) state->result = std::move(value);
  });
  const auto give_up = world.now() + limit;
  while (!state->result && !state->failure && world.now() < give_up) world.run_for(std::chrono::milliseconds(10));
  if (state->failure) std::rethrow_exception(state->failure);
  if (!state->result) throw Violation("a final operation did not complete in virtual time");
  return std::move(*state->result);
}

}  // namespace sysdist::sim
