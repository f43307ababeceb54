#include "node/config.hpp"

#include <algorithm>
#include <map>
#include <sstream>

#include <boost/algorithm/string/predicate.hpp>
#include <boost/program_options.hpp>

namespace sysdist {

namespace po = boost::program_options;

namespace {

// Environment variable -> option name. MODE is the original's; the rest are sysdist's own.
const std::map<std::string, std::string> environment_names = {
    {"MODE", "mode"},
    {"SYSDIST_PEERS", "peers"},
    {"SYSDIST_HOST", "host"},
    {"SYSDIST_ADVERTISE", "advertise"},
    {"SYSDIST_DATA_DIR", "data-dir"},
    {"SYSDIST_LOG_LEVEL", "log-level"},
    {"SYSDIST_SECRET", "secret"},
    {"SYSDIST_RPC_TIMEOUT_MS", "rpc-timeout-ms"},
    {"SYSDIST_IN_DOUBT_TIMEOUT_MS", "in-doubt-timeout-ms"},
    {"SYSDIST_SLOW_STORAGE_MS", "slow-storage-ms"},
    {"SYSDIST_ANTI_ENTROPY_MS", "anti-entropy-ms"},
    {"SYSDIST_TOMBSTONE_GRACE_MS", "tombstone-grace-ms"},
    {"SYSDIST_MAX_CLOCK_DRIFT_MS", "max-clock-drift-ms"},
    {"SYSDIST_MAX_CLIENT_CONNECTIONS", "max-client-connections"},
    {"SYSDIST_MAX_HINT_BYTES", "max-hint-bytes"},
    {"SYSDIST_ELECTION_TIMEOUT_MS_MIN", "election-timeout-ms-min"},
    {"SYSDIST_ELECTION_TIMEOUT_MS_MAX", "election-timeout-ms-max"},
    {"SYSDIST_HEARTBEAT_MS", "heartbeat-ms"},
    {"SYSDIST_SNAPSHOT_ENTRIES", "snapshot-entries"},
    {"SYSDIST_APPENDS_IN_FLIGHT", "appends-in-flight"},
    {"SYSDIST_PEER_CALLS_IN_FLIGHT", "peer-calls-in-flight"},
    {"SYSDIST_REPLICAS", "replicas"},
    {"SYSDIST_READ_QUORUM", "read-quorum"},
    {"SYSDIST_WRITE_QUORUM", "write-quorum"},
};

// Host names compare without case (DNS); addresses as written.
bool same_member(const Member& a, const Member& b) {
  return a.port == b.port && boost::algorithm::iequals(a.host, b.host);
}

ParsedConfig fail(const std::string& message) { return {std::nullopt, 2, "sysdist: " + message}; }

}  // namespace

std::optional<Member> parse_member(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  auto host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  try {
    const auto port = std::stoul(text.substr(colon + 1));
    if (port == 0 || port > 65535) return std::nullopt;
    return Member{std::move(host), static_cast<unsigned short>(port)};
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<std::vector<Member>> parse_members(const std::string& list, std::string* bad) {
  std::vector<Member> members;
  std::istringstream items(list);
  for (std::string item; std::getline(items, item, ',');) {
    auto member = parse_member(item);
    if (!member) {
      if (bad) *bad = item;
      return std::nullopt;
    }
    members.push_back(std::move(*member));
  }
  return members;
}

ParsedConfig parse_config(int argc, const char* const* argv) {
  Config c;
  std::string peers;
  long rpc_ms = 0, in_doubt_ms = 0, slow_ms = 0, anti_entropy_ms = 0, grace_ms = 0, drift_ms = 0, election_min_ms = 0,
       election_max_ms = 0, heartbeat_ms = 0;
  po::options_description options("Usage: sysdist PORT [options]   (port 300x is node x on 127.0.0.x)\nOptions", 120);
  // clang-format off
  options.add_options()
    ("help,h", "print this help")
    ("port", po::value<unsigned short>(&c.port), "HTTP port; also picks this node in the membership")
    ("mode", po::value(&c.mode)->default_value("CA"), "CA (alias AC), AP or CP  [env MODE]")
    ("peers", po::value(&peers), "whole membership as host:port,... in node order (default 127.0.0.1:3001 ... 127.0.0.5:3005)  [env SYSDIST_PEERS]")
    ("host", po::value(&c.host), "bind address or name; 0.0.0.0 or :: binds every interface (default: this node's host in the membership)  [env SYSDIST_HOST]")
    ("advertise", po::value(&c.advertise), "this node's entry in --peers as host:port, e.g. node3:3001 (needed when several members share the port and --host binds every interface)  [env SYSDIST_ADVERTISE]")
    ("data-dir", po::value(&c.data_dir), "storage directory (default ./data/PORT)  [env SYSDIST_DATA_DIR]")
    ("log-level", po::value(&c.log_level)->default_value("info"), "trace, debug, info, warn, error  [env SYSDIST_LOG_LEVEL]")
    ("secret", po::value(&c.secret), "cluster secret required on peer and admin routes  [env SYSDIST_SECRET]")
    ("rpc-timeout-ms", po::value(&rpc_ms)->default_value(1000), "deadline of every peer call  [env SYSDIST_RPC_TIMEOUT_MS]")
    ("in-doubt-timeout-ms", po::value(&in_doubt_ms)->default_value(60000), "CA: a proposal with no coordinator aborts after this  [env SYSDIST_IN_DOUBT_TIMEOUT_MS]")
    ("slow-storage-ms", po::value(&slow_ms)->default_value(0), "demo knob: added latency of every disk write  [env SYSDIST_SLOW_STORAGE_MS]")
    ("anti-entropy-ms", po::value(&anti_entropy_ms)->default_value(2000), "AP: how often a node syncs with the next peer (Merkle trees) and hands off hints  [env SYSDIST_ANTI_ENTROPY_MS]")
    ("tombstone-grace-ms", po::value(&grace_ms)->default_value(60000), "AP: deletes are kept this long (and until every replica has them) before they are collected  [env SYSDIST_TOMBSTONE_GRACE_MS]")
    ("max-hint-bytes", po::value(&c.max_hint_bytes)->default_value(64 << 20), "AP: bytes of hints kept for one unreachable replica; the oldest are dropped beyond (anti-entropy repairs them)  [env SYSDIST_MAX_HINT_BYTES]")
    ("max-clock-drift-ms", po::value(&drift_ms)->default_value(60000), "AP: a version from a peer may be at most this far ahead of this node's clock (400 otherwise)  [env SYSDIST_MAX_CLOCK_DRIFT_MS]")
    ("election-timeout-ms-min", po::value(&election_min_ms)->default_value(300), "CP: shortest randomized election timeout  [env SYSDIST_ELECTION_TIMEOUT_MS_MIN]")
    ("election-timeout-ms-max", po::value(&election_max_ms)->default_value(600), "CP: longest randomized election timeout  [env SYSDIST_ELECTION_TIMEOUT_MS_MAX]")
    ("heartbeat-ms", po::value(&heartbeat_ms)->default_value(60), "CP: leader heartbeat period  [env SYSDIST_HEARTBEAT_MS]")
    ("snapshot-entries", po::value(&c.snapshot_entries)->default_value(10000), "CP: snapshot and compact the log every this many applied entries  [env SYSDIST_SNAPSHOT_ENTRIES]")
    ("appends-in-flight", po::value(&c.appends_in_flight)->default_value(1), "CP: AppendEntries in flight per follower (above 1: pipelining)  [env SYSDIST_APPENDS_IN_FLIGHT]")
    ("max-client-connections", po::value(&c.max_client_connections)->default_value(0), "client connections kept open at most; when full the oldest idle one is closed first (0: derived from the descriptor limit)  [env SYSDIST_MAX_CLIENT_CONNECTIONS]")
    ("peer-calls-in-flight", po::value(&c.peer_calls_in_flight)->default_value(2), "peer calls sent alone per peer; calls beyond wait and leave together as one batch (0: never batch)  [env SYSDIST_PEER_CALLS_IN_FLIGHT]")
    ("replicas", po::value(&c.replicas)->default_value(3), "AP: replicas per key (N)  [env SYSDIST_REPLICAS]")
    ("read-quorum", po::value(&c.read_quorum)->default_value(2), "AP: replies a read waits for (R)  [env SYSDIST_READ_QUORUM]")
    ("write-quorum", po::value(&c.write_quorum)->default_value(2), "AP: acknowledgements a write waits for (W)  [env SYSDIST_WRITE_QUORUM]");
  // clang-format on
  po::positional_options_description positional;
  positional.add("port", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(options).positional(positional).run(), vm);
    po::store(po::parse_environment(options,
                                    [](const std::string& name) {
                                      auto it = environment_names.find(name);
                                      return it == environment_names.end() ? std::string() : it->second;
                                    }),
              vm);
    if (vm.count("help")) {
      std::ostringstream text;
      text << options;
      return {std::nullopt, 0, text.str()};
    }
    po::notify(vm);
  } catch (const po::error& e) {
    return fail(std::string(e.what()) + " (see sysdist --help)");
  }

  if (!vm.count("port")) return fail("missing PORT (e.g. sysdist 3001; see sysdist --help)");
  std::transform(c.mode.begin(), c.mode.end(), c.mode.begin(), ::toupper);
  if (c.mode == "AC") c.mode = "CA";
  if (c.mode != "CA" && c.mode != "AP" && c.mode != "CP")
    return fail("unknown mode '" + c.mode + "': use CA, AP or CP");
  if (rpc_ms <= 0 || in_doubt_ms <= 0 || slow_ms < 0 || anti_entropy_ms <= 0 || grace_ms <= 0 || drift_ms <= 0)
    return fail("timeouts and intervals must be positive");
  c.anti_entropy_interval = std::chrono::milliseconds(anti_entropy_ms);
  if (heartbeat_ms <= 0 || election_min_ms <= heartbeat_ms || election_max_ms < election_min_ms)
    return fail("CP timing needs 0 < heartbeat-ms < election-timeout-ms-min <= election-timeout-ms-max");
  c.election_timeout_min = std::chrono::milliseconds(election_min_ms);
  c.election_timeout_max = std::chrono::milliseconds(election_max_ms);
  c.heartbeat_interval = std::chrono::milliseconds(heartbeat_ms);
  if (c.snapshot_entries < 1) return fail("--snapshot-entries must be at least 1");
  if (c.appends_in_flight < 1 || c.appends_in_flight > 64) return fail("--appends-in-flight must be 1 to 64");
  if (c.peer_calls_in_flight > 64) return fail("--peer-calls-in-flight must be 0 to 64");
  c.tombstone_grace = std::chrono::milliseconds(grace_ms);
  c.max_clock_drift = std::chrono::milliseconds(drift_ms);
  c.rpc_timeout = std::chrono::milliseconds(rpc_ms);
  c.in_doubt_timeout = std::chrono::milliseconds(in_doubt_ms);
  c.slow_storage = std::chrono::milliseconds(slow_ms);

  if (peers.empty()) {
    for (int x = 1; x <= 5; ++x)
      c.membership.members.push_back({"127.0.0." + std::to_string(x), static_cast<unsigned short>(3000 + x)});
  } else {
    std::string bad;
    auto members = parse_members(peers, &bad);
    if (!members) return fail("bad --peers entry '" + bad + "': expected host:port");
    c.membership.members = std::move(*members);
  }
  // The node finds itself: by --advertise when given, else by port, and by host too when
  // --host names one (binding every interface says nothing about which member it is).
  const bool any_interface = c.host == "0.0.0.0" || c.host == "::" || c.host == "[::]";
  std::optional<Member> advertised;
  if (!c.advertise.empty()) {
    advertised = parse_member(c.advertise);
    if (!advertised) return fail("bad --advertise '" + c.advertise + "': expected host:port");
    if (advertised->port != c.port)
      return fail("--advertise " + c.advertise + " names another port than this node's " + std::to_string(c.port));
  }
  std::size_t found = c.membership.size(), matches = 0;
  for (std::size_t i = 0; i < c.membership.size(); ++i) {
    const auto& m = c.membership.members[i];
    const bool same = advertised ? same_member(m, *advertised)
                                 : m.port == c.port && (c.host.empty() || any_interface || m.host == c.host);
    if (same) found = i, ++matches;
  }
  if (matches != 1)
    return fail((advertised ? "--advertise " + c.advertise : "port " + std::to_string(c.port)) +
                (matches ? " matches several members" : " is not in the membership") + " (members: " +
                (peers.empty() ? "127.0.0.1:3001 ... 127.0.0.5:3005" : peers) + "; use --peers, --host, --advertise)");
  c.membership.self = found;
  if (c.host.empty()) c.host = c.membership.me().host;
  if (c.data_dir.empty()) c.data_dir = "./data/" + std::to_string(c.port);

  const int members = static_cast<int>(c.membership.size());
  if (c.replicas < 1 || c.replicas > members)
    return fail("--replicas (N) must be between 1 and the number of members (" + std::to_string(members) + ")");
  if (c.read_quorum < 1 || c.read_quorum > c.replicas) return fail("--read-quorum (R) must be between 1 and N");
  if (c.write_quorum < 1 || c.write_quorum > c.replicas) return fail("--write-quorum (W) must be between 1 and N");
  static const char* levels[] = {"trace", "debug", "info", "warn", "error", "critical", "off"};
  if (std::find(std::begin(levels), std::end(levels), c.log_level) == std::end(levels))
    return fail("unknown log level '" + c.log_level + "'");
  return {c, 0, ""};
}

}  // namespace sysdist
