#include "storage/store.hpp"

namespace sysdist {

const char* keyspace_name(Keyspace space) {
  switch (space) {
    case Keyspace::data:
      return "data";
    case Keyspace::txn:
      return "txn";
    case Keyspace::meta:
      return "meta";
    case Keyspace::hints:
      return "hints";
    case Keyspace::raft_log:
      return "raft_log";
  }
  return "?";
}

Mutation erase_range(Keyspace space, std::string from, std::string to) {
  return {space, std::move(from), std::nullopt, std::move(to)};
}

}  // namespace sysdist
