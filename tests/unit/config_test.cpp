// Options of SPEC section 1: the port picks the node, flags beat environment variables,
// bad settings stop the node with a clear message.
#include "common/limits.hpp"
#include "node/config.hpp"
#include "node/connection_budgets.hpp"

#include <cstdlib>

#include <boost/test/unit_test.hpp>

using namespace sysdist;

namespace {
ParsedConfig parse(std::vector<const char*> args) {
  args.insert(args.begin(), "sysdist");
  return parse_config(static_cast<int>(args.size()), args.data());
}
}  // namespace

BOOST_AUTO_TEST_SUITE(config)

BOOST_AUTO_TEST_CASE(port_300x_is_node_x_on_127_0_0_x) {
  auto parsed = parse({"3004"});
  BOOST_REQUIRE(parsed.config.has_value());
  BOOST_TEST(parsed.config->membership.self == 3u);
  BOOST_TEST(parsed.config->host == "127.0.0.4");
  BOOST_TEST(parsed.config->data_dir == "./data/3004");
  BOOST_TEST(parsed.config->mode == "CA");
  BOOST_TEST(parsed.config->membership.size() == 5u);
}

BOOST_AUTO_TEST_CASE(advertise_names_this_node_when_five_hosts_share_one_port) {
  const char* peers = "node1:3001,node2:3001,Node3:3001,node4:3001,node5:3001";
  auto parsed = parse({"3001", "--host", "0.0.0.0", "--advertise", "node3:3001", "--peers", peers});
  BOOST_REQUIRE(parsed.config.has_value());
  BOOST_TEST(parsed.config->membership.self == 2u);  // host names compare without case
  BOOST_TEST(parsed.config->host == "0.0.0.0");
  // Without --advertise every member matches the port; a wrong one is refused.
  auto ambiguous = parse({"3001", "--host", "0.0.0.0", "--peers", peers});
  BOOST_TEST(!ambiguous.config.has_value());
  BOOST_TEST(ambiguous.message.find("several members") != std::string::npos, ambiguous.message);
  auto unknown = parse({"3001", "--host", "::", "--advertise", "node9:3001", "--peers", peers});
  BOOST_TEST(!unknown.config.has_value());
  auto other_port = parse({"3001", "--advertise", "node3:3002", "--peers", peers});
  BOOST_TEST(!other_port.config.has_value());
}

BOOST_AUTO_TEST_CASE(flag_wins_over_environment_and_AC_means_CA) {
  ::setenv("MODE", "AP", 1);
  ::setenv("SYSDIST_RPC_TIMEOUT_MS", "250", 1);
  auto from_env = parse({"3001"});
  BOOST_TEST(from_env.config->mode == "AP");
  BOOST_TEST(from_env.config->rpc_timeout.count() == 250);
  auto flag = parse({"3001", "--mode", "ac", "--rpc-timeout-ms", "400"});
  BOOST_TEST(flag.config->mode == "CA");
  BOOST_TEST(flag.config->rpc_timeout.count() == 400);
  ::unsetenv("MODE");
  ::unsetenv("SYSDIST_RPC_TIMEOUT_MS");
}

BOOST_AUTO_TEST_CASE(peers_list_replaces_the_membership) {
  auto parsed = parse({"4002", "--peers", "127.0.0.1:4001,127.0.0.2:4002,127.0.0.3:4003"});
  BOOST_REQUIRE(parsed.config.has_value());
  BOOST_TEST(parsed.config->membership.self == 1u);
  BOOST_TEST(parsed.config->membership.size() == 3u);
  BOOST_TEST(parsed.config->host == "127.0.0.2");
}

BOOST_AUTO_TEST_CASE(bad_settings_are_clear_errors) {
  for (auto args : std::vector<std::vector<const char*>>{{},                                 // no port
                                                         {"3009"},                           // not a member
                                                         {"3001", "--mode", "XY"},           // unknown mode
                                                         {"3001", "--peers", "nonsense"},    // bad peer
                                                         {"3001", "--replicas", "6"},        // N > members
                                                         {"3001", "--read-quorum", "4"},     // R > N
                                                         {"3001", "--rpc-timeout-ms", "0"},  // non-positive timeout
                                                         {"3001", "--log-level", "loud"},    // unknown level
                                                         {"3001", "--no-such-flag"}}) {
    auto parsed = parse(args);
    BOOST_TEST(!parsed.config.has_value());
    BOOST_TEST(parsed.exit_code == 2);
    BOOST_TEST(parsed.message.rfind("sysdist: ", 0) == 0u);
  }
}

BOOST_AUTO_TEST_CASE(help_lists_every_option_and_exits_zero) {
  auto parsed = parse({"--help"});
  BOOST_TEST(!parsed.config.has_value());
  BOOST_TEST(parsed.exit_code == 0);
  for (auto option : {"--mode", "--peers", "--host", "--data-dir", "--log-level", "--secret", "--rpc-timeout-ms",
                      "--in-doubt-timeout-ms", "--slow-storage-ms", "--replicas", "--read-quorum", "--write-quorum"})
    BOOST_TEST(parsed.message.find(option) != std::string::npos, option);
}

BOOST_AUTO_TEST_CASE(connection_budgets_leave_room_for_storage_and_peer_pools) {
  for (std::size_t fds : {1024u, 4096u, 20000u, 1048576u}) {
    auto b = connection_budgets(fds, 5);
    BOOST_TEST(b.clients + b.peers + limits::storage_open_files + 4 * limits::max_idle_peer_connections <= fds,
               "fd limit " << fds);
    BOOST_TEST(b.peers >= 16u);
    BOOST_TEST(b.clients <= limits::max_client_connections);
  }
  BOOST_TEST(connection_budgets(20000, 5, 500).clients == 500u);
  BOOST_TEST(connection_budgets(20000, 5).clients > 2000u);
}

// One parser for host:port lists: --peers here, --nodes of sysdist-check and sysdist-dash.
BOOST_AUTO_TEST_CASE(host_port_lists_parse_names_addresses_and_bracketed_ipv6) {
  auto members = parse_members("node1:3001,10.0.0.2:3002,[::1]:3003");
  BOOST_REQUIRE(members.has_value());
  BOOST_REQUIRE(members->size() == 3u);
  BOOST_TEST((*members)[0].address() == "node1:3001");
  BOOST_TEST((*members)[1].address() == "10.0.0.2:3002");
  BOOST_TEST((*members)[2].host == "::1");
  BOOST_TEST((*members)[2].port == 3003);
  std::string bad;
  BOOST_TEST(!parse_members("node1:3001,node2,node3:3003", &bad).has_value());
  BOOST_TEST(bad == "node2");
  BOOST_TEST(!parse_members("node1:0").has_value());
  BOOST_TEST(!parse_members(":3001").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
