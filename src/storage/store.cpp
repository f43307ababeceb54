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

}  // namespace sysdist
