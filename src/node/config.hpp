// Config: every option of a node (SPEC section 1), from flags and environment variables
// (a flag wins over its variable). parse_config() validates everything up front so a bad
// setting stops the node at start with a clear message, never later.
#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/membership.hpp"

namespace sysdist {

// "host:port" (a name, an IPv4 address, or an IPv6 one in brackets, which are dropped).
std::optional<Member> parse_member(const std::string& text);
// "host:port,host:port,...": every entry, or nullopt naming the first bad one in `bad`.
std::optional<std::vector<Member>> parse_members(const std::string& list, std::string* bad = nullptr);

struct Config {
  std::string mode = "CA";  // CA, AP or CP (AC is accepted for CA)
  Membership membership;    // the whole cluster in node order; membership.self is this node
  std::string host;         // address (or name) the HTTP server binds; 0.0.0.0 or :: binds every interface
  std::string advertise;    // this node's entry in the membership (host:port), when --host cannot tell
  unsigned short port = 0;
  std::string data_dir;
  std::string log_level = "info";
  std::string secret;  // cluster secret for peer and admin routes; empty: no check
  std::chrono::milliseconds rpc_timeout{1000};
  std::size_t max_client_connections = 0;  // 0: derived from the descriptor limit
  std::size_t peer_calls_in_flight = 2;  // calls per peer sent alone; more wait and leave as one batch (0: never)
  std::chrono::milliseconds in_doubt_timeout{60000};
  std::chrono::milliseconds slow_storage{0};
  std::chrono::milliseconds anti_entropy_interval{2000};
  std::chrono::milliseconds tombstone_grace{60000};
  std::chrono::milliseconds max_clock_drift{60000};  // AP: how far ahead a peer's version may be
  std::size_t max_hint_bytes = 64 << 20;             // AP: hints kept per unreachable replica
  // CP mode: randomized election timeout range and the leader's heartbeat period.
  std::chrono::milliseconds election_timeout_min{300};
  std::chrono::milliseconds election_timeout_max{600};
  std::chrono::milliseconds heartbeat_interval{60};
  std::uint64_t snapshot_entries = 10000;  // CP: compact the log once this many applied entries pile up
  std::size_t appends_in_flight = 1;       // CP: pipelined AppendEntries per follower (1: none; see README)
  // AP mode's replication factor and quorums.
  int replicas = 3;
  int read_quorum = 2;
  int write_quorum = 2;
};

struct ParsedConfig {
  std::optional<Config> config;  // set when the node should run
  int exit_code = 0;             // otherwise exit with this, after printing `message`
  std::string message;
};

ParsedConfig parse_config(int argc, const char* const* argv);

}  // namespace sysdist
