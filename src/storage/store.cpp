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
  }
  return "?";
}

}  // namespace sysdist
