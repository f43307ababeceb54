// sysdist-dash: the live dashboard. Subscribes to every node's /admin/events, merges the
// streams, records them, and serves the page and its API (dash_api.hpp) on [::1]:3000 by
// default: an address the fault rules never touch, so the page stays up while any node is
// frozen or partitioned. bin/dash starts it; bin/demo starts it with the cluster.
//   sysdist-dash [--listen [::1]:3000] [--nodes HOST:PORT,...] [--root DIR] [--run DIR] [--web DIR]
#include <unistd.h>

#include <fstream>
#include <iostream>

#include <boost/program_options.hpp>

#include "common/logging.hpp"
#include "common/metrics.hpp"
#include "common/net.hpp"
#include "http/server.hpp"
#include "node/config.hpp"
#include "tools/check/options.hpp"
#include "tools/dash/actions.hpp"
#include "tools/dash/dash_api.hpp"
#include "tools/dash/hub.hpp"
#include "tools/dash/node_feed.hpp"

using namespace sysdist;
using namespace sysdist::dash;
namespace po = boost::program_options;

namespace {
struct Listen {
  std::string host;
  unsigned short port = 0;
};

std::optional<Listen> parse_listen(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) return std::nullopt;
  auto host = text.substr(0, colon);
  if (host.starts_with('[') && host.ends_with(']')) host = host.substr(1, host.size() - 2);
  try {
    const auto port = std::stoul(text.substr(colon + 1));
    boost::system::error_code ec;
    asio::ip::make_address(host, ec);
    if (ec || port == 0 || port > 65535) return std::nullopt;
    return Listen{host, static_cast<unsigned short>(port)};
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// The secret the nodes want: SYSDIST_SECRET, else the one bin/cluster made (run/secret).
// Exported, so that sysdist-check and the scripts the dashboard runs have it too.
void export_secret(const std::filesystem::path& run) {
  if (const char* set = std::getenv("SYSDIST_SECRET"); set && *set) return;
  std::ifstream file(run / "secret");
  std::string secret;
  if (std::getline(file, secret) && !secret.empty()) ::setenv("SYSDIST_SECRET", secret.c_str(), 1);
}
}  // namespace

int main(int argc, char** argv) {
  std::string listen_text = "[::1]:3000", root_text, web_text, run_text, nodes_text;
  po::options_description options("sysdist-dash: the live dashboard of the cluster on 127.0.0.1-5:3001-3005");
  options.add_options()("help", "this text")(
      "listen", po::value(&listen_text)->default_value(listen_text), "address:port of the page")(
      "root", po::value(&root_text), "the project (bin/, run/, build/); default: SYSDIST_ROOT or the current folder")(
      "nodes", po::value(&nodes_text),
      "the five nodes as host:port,... when the cluster is not 127.0.0.1-5:3001-3005 (Compose: "
      "127.0.0.1:3001,127.0.0.1:3002,...); the page's fault buttons are then off")(
      "run", po::value(&run_text), "where the nodes' pid files and secret are, and recordings go (default ROOT/run)")(
      "web", po::value(&web_text), "serve the page from this folder instead of the built-in copy (development)");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, options), vm);
    po::notify(vm);
  } catch (const std::exception& e) {
    std::cerr << "sysdist-dash: " << e.what() << " (see --help)\n";
    return 2;
  }
  if (vm.count("help")) {
    std::cout << options;
    return 0;
  }
  const auto listen = parse_listen(listen_text);
  if (!listen) {
    std::cerr << "sysdist-dash: --listen wants ADDRESS:PORT, e.g. [::1]:3000 or 127.0.0.254:3000\n";
    return 2;
  }
  if (root_text.empty()) root_text = std::getenv("SYSDIST_ROOT") ? std::getenv("SYSDIST_ROOT") : ".";
  if (!nodes_text.empty()) {  // else the loopback cluster, as sysdist-check knows it
    auto members = parse_members(nodes_text);
    if (!members || members->size() != node_count) {
      std::cerr << "sysdist-dash: --nodes wants five host:port entries\n";
      return 2;
    }
    for (int n = 0; n < node_count; ++n) check::cluster_nodes()[n] = {(*members)[n].host, (*members)[n].port};
  }
  std::vector<NodeAddress> nodes;
  for (const auto& [host, port] : check::cluster_nodes()) nodes.push_back({host, static_cast<unsigned short>(port)});
  const std::filesystem::path root = std::filesystem::absolute(root_text);
  const std::filesystem::path run = run_text.empty() ? root / "run" : std::filesystem::absolute(run_text);
  export_secret(run);
  setup_logging("info", "dash");
  auto log = logger("dash");

  asio::io_context io(1);
  Hub hub("", (run / "dash").string());
  Actions actions(io.get_executor(), hub, root, run, nodes_text);
  const auto port = std::to_string(listen->port);
  const auto shown = listen->host.find(':') != std::string::npos ? "[" + listen->host + "]" : listen->host;
  std::set<std::string> hosts{shown + ":" + port, "localhost:" + port};
  std::optional<std::filesystem::path> web;
  if (!web_text.empty()) web = web_text;
  DashApi api(hub, actions, hosts, web, run / "dash");
  Metrics metrics;
  std::unique_ptr<HttpServer> server;
  try {
    server = start_http_server(io.get_executor(), listen->host, listen->port, api, ConnectionBudgets{64, 0, 0},
                               Membership{}, metrics);
  } catch (const std::exception& e) {
    std::cerr << "sysdist-dash: cannot listen on " << listen_text << ": " << e.what() << "\n";
    return 1;
  }
  const char* secret = std::getenv("SYSDIST_SECRET");
  for (int n = 1; n <= node_count; ++n)
    asio::co_spawn(io, follow_node(n, nodes[static_cast<std::size_t>(n - 1)], secret ? secret : "", hub),
                   log_failure("node feed"));
  actions.start();
  log->info("dashboard on http://{}:{}/ (recording {})", shown, port, hub.recording());
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code, int) { io.stop(); });
  io.run();
  return 0;
}
