// sysdist-check: a Jepsen-style test of a running five-node cluster. Concurrent clients
// read, write (unique values) and, in CP, compare-and-set a few keys while a nemesis
// injects faults on a schedule; the history is recorded and checked against what the
// cluster's mode promises:
//   CP  linearizable, and every node holds the same data after healing
//   CA  atomic: every node holds the same data after healing, and no failed write is visible
//   AP  converges after healing, and no acknowledged write is lost (linearizability is
//       reported too: under a partition it is expected to fail, which shows the checker can)
// Exit code 0 only when the mode's guarantees held.
//   sysdist-check [run] --nemesis partition --duration 60     test the cluster on 127.0.0.1-5:3001-3005
//   sysdist-check verify HISTORY                               check a recorded history again
#include <atomic>
#include <fstream>
#include <iostream>
#include <random>
#include <set>
#include <thread>

#include <boost/program_options.hpp>

#include "common/net.hpp"
#include "node/config.hpp"
#include "tools/check/http_client.hpp"
#include "tools/check/nemesis.hpp"
#include "tools/check/verdict.hpp"
#include "tools/check/workload.hpp"

using namespace sysdist;
using namespace sysdist::check;
namespace po = boost::program_options;

namespace {

int run(Options options) {
  if (options.mode.empty())
    for (int node = 1; node <= node_count && options.mode.empty(); ++node)
      if (auto status = get_json(node, "/admin/status"); status && status->contains("mode"))
        options.mode = std::string(status->at("mode").as_string());
  if (options.mode != "CA" && options.mode != "AP" && options.mode != "CP") {
    std::cerr << "sysdist-check: no cluster answers on 127.0.0.1-5:3001-3005 (or pass --mode)\n";
    return 2;
  }
  if (options.tag.empty()) {  // a new tag per run: its keys start absent, its values are unique
    std::random_device entropy;
    options.tag = "t" + std::to_string(entropy() % 100000) + "-";
  }
  std::cout << "sysdist-check: " << options.mode << " cluster, nemesis " << options.nemesis << ", "
            << options.duration_s << " s, " << options.clients << " clients on " << options.keys << " keys, seed "
            << options.seed << ", keys " << options.key(0) << ".." << std::endl;
  Recorder recorder;
  Nemesis nemesis(options);
  std::atomic<bool> stop{false};
  std::thread faults([&] { nemesis.run(stop); });

  asio::io_context io(1);
  Workload workload{options, recorder,
                    CheckClock::now() + std::chrono::milliseconds(static_cast<long>(options.duration_s * 1000))};
  for (int c = 0; c < options.clients; ++c)
    asio::co_spawn(io, client(workload, c), [](std::exception_ptr e) {
      if (e) std::rethrow_exception(e);
    });
  asio::co_spawn(io, progress(recorder, nemesis, workload.stop_at), asio::detached);
  io.run();
  stop = true;
  faults.join();  // its run() healed everything on the way out
  std::cout << "  faults: ";
  for (auto& e : nemesis.events())
    if (e != "healed") std::cout << e << "; ";
  std::cout << "\n  healed; letting the cluster settle for " << options.settle_s << " s" << std::endl;
  std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<long>(options.settle_s * 1000)));

  if (!options.history_file.empty()) {
    std::ofstream out(options.history_file);
    for (auto& op : recorder.ops) out << to_json_line(op) << "\n";
    std::cout << "  history: " << options.history_file << std::endl;
  }
  const auto copies = dumps(options);
  std::vector<Check> checks;
  const auto nothing_lost = ap_checks(recorder.ops, copies, options)[1];
  if (options.mode == "CP") {
    checks.push_back(linearizability(recorder.ops, true));
    checks.push_back(same_everywhere(copies));
    checks.push_back(nothing_lost);
  } else if (options.mode == "CA") {
    checks.push_back(same_everywhere(copies));
    checks.push_back(nothing_failed_visible(recorder.ops, copies));
    checks.push_back(nothing_lost);
    checks.push_back(linearizability(recorder.ops, false));
  } else {
    for (auto& c : ap_checks(recorder.ops, copies, options)) checks.push_back(c);
    checks.push_back(linearizability(recorder.ops, false));
  }
  return report(options, recorder.ops, checks);
}

int verify(const Options& options, const std::string& file) {
  std::ifstream in(file);
  if (!in) {
    std::cerr << "sysdist-check: cannot read " << file << "\n";
    return 2;
  }
  std::vector<Op> history;
  std::size_t line_number = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_number;
    if (line.empty()) continue;
    auto op = op_from_json_line(line);
    if (!op) {
      std::cerr << "sysdist-check: " << file << ":" << line_number << ": not an operation\n";
      return 2;
    }
    history.push_back(std::move(*op));
  }
  Options shown = options;
  if (shown.mode.empty()) shown.mode = "(any)";
  shown.nemesis = "(recorded)";
  return report(shown, history, {linearizability(history, true)});
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  std::string command = "run", file, nodes;
  po::options_description d("Usage: sysdist-check [run|verify HISTORY] [options]\nOptions", 120);
  d.add_options()("help,h", "print this help")("mode", po::value(&o.mode), "CA, AP or CP (default: ask the cluster)")(
      "nemesis", po::value(&o.nemesis)->default_value(o.nemesis), "none, kill, pause, freeze, partition or mix")(
      "duration", po::value(&o.duration_s)->default_value(o.duration_s), "seconds of workload")(
      "fault", po::value(&o.fault_s)->default_value(o.fault_s), "seconds each fault lasts")(
      "heal", po::value(&o.heal_s)->default_value(o.heal_s), "seconds between faults")(
      "settle", po::value(&o.settle_s)->default_value(o.settle_s), "seconds to wait after healing before the final checks")(
      "clients", po::value(&o.clients)->default_value(o.clients), "concurrent clients")(
      "keys", po::value(&o.keys)->default_value(o.keys), "keys the clients share")(
      "seed", po::value(&o.seed)->default_value(o.seed), "random seed (operations and faults)")(
      "timeout-ms", po::value(&o.timeout_ms)->default_value(o.timeout_ms), "a client gives up (info) after this")(
      "history", po::value(&o.history_file), "write the history here (JSON lines)")(
      "replicas", po::value(&o.replicas)->default_value(o.replicas), "AP: the cluster's N (replicas per key)")(
      "tag", po::value(&o.tag), "prefix of keys and values (default: a new random one per run)")(
      "scripts", po::value(&o.scripts)->default_value(o.scripts), "directory of freeze.sh, partition.sh, heal.sh")(
      "nodes", po::value(&nodes), "the five nodes as host:port,... (default 127.0.0.1:3001,...,127.0.0.5:3005)")(
      "command", po::value(&command), "")("file", po::value(&file), "");
  po::positional_options_description positional;
  positional.add("command", 1).add("file", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(d).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "sysdist-check: " << e.what() << " (see --help)\n";
    return 2;
  }
  if (vm.count("help")) {
    std::cout << d;
    return 0;
  }
  const std::set<std::string> nemeses{"none", "kill", "pause", "freeze", "partition", "mix"};
  if (!nemeses.contains(o.nemesis) || o.clients < 1 || o.clients > 1000 || o.keys < 1 || o.duration_s <= 0 ||
      o.fault_s <= 0 || o.heal_s <= 0 || o.settle_s < 0 || o.timeout_ms < 1) {
    std::cerr << "sysdist-check: bad options (see --help)\n";
    return 2;
  }
  if (!nodes.empty()) {  // five host:port entries, in node order
    auto members = parse_members(nodes);
    if (!members || members->size() != node_count) {
      std::cerr << "sysdist-check: --nodes wants five host:port entries\n";
      return 2;
    }
    for (int n = 0; n < node_count; ++n) cluster_nodes()[n] = {(*members)[n].host, (*members)[n].port};
  }
  if (command == "verify") {
    if (file.empty()) {
      std::cerr << "sysdist-check: verify needs a history file\n";
      return 2;
    }
    return verify(o, file);
  }
  if (command != "run") {
    std::cerr << "sysdist-check: unknown command '" << command << "' (run or verify)\n";
    return 2;
  }
  return run(o);
}
