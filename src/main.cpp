// sysdist: one node of a five-node key-value store that shows the CAP theorem live.
#include <iostream>

#include "node/config.hpp"
#include "node/node.hpp"

int main(int argc, char** argv) {
  auto parsed = sysdist::parse_config(argc, argv);
  if (!parsed.config) {
    (parsed.exit_code == 0 ? std::cout : std::cerr) << parsed.message << std::endl;
    return parsed.exit_code;
  }
  return sysdist::Node(std::move(*parsed.config)).run();
}
