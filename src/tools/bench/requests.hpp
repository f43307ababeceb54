// The load generator's options and its requests, serialized once at the start: for each
// target and key a read and a write in the chosen API (sysdist; etcd's v3 JSON gateway with
// base64 keys and values; static: GET one path).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace sysdist::bench {

struct Options {
  std::vector<std::string> targets;
  int clients = 16;
  double duration_s = 10, warmup_s = 1;
  std::uint64_t ops = 0;  // 0: run for duration_s
  double read_ratio = 0.5;
  int keys = 1000;
  std::size_t value_size = 16;
  bool preload = false, json = false;
  std::string api = "sysdist";  // sysdist, etcd or static
  bool stale = false;           // reads: ?stale=true (sysdist), serializable (etcd)
  std::string path = "/";       // --api static
  int threads = 0;              // event loops; 0: one per core
  std::string timeline;         // write latency percentiles per 200 ms here (JSON)
};

// Every request a client may send, serialized once: [target][key] for reads and writes.
struct Requests {
  std::vector<std::vector<std::string>> reads, writes;
};

Requests build_requests(const Options& o);

}  // namespace sysdist::bench
