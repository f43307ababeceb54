#include "tools/dash/actions.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fstream>
#include <map>
#include <random>
#include <set>

#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/pchars.hpp>

#include "common/net.hpp"
#include "common/logging.hpp"
#include "tools/check/http_client.hpp"
#include "tools/dash/command.hpp"

namespace sysdist::dash {

namespace json = boost::json;
using namespace std::chrono_literals;

namespace {
constexpr std::size_t max_load_clients = 32;
constexpr auto max_load_time = 10min;
constexpr auto load_pause = 20ms;  // per client between requests: a demo load, not a benchmark
constexpr std::size_t max_client_value_bytes = 64 * 1024;
constexpr std::size_t max_dump_keys = 40;
const std::set<std::string> root_faults{"freeze", "unfreeze", "partition", "heal"};
const char* const faults_elsewhere =
    "this cluster is not the one on 127.0.0.1-5: apply faults with bin/compose, kubectl or the hosts' own tools";
const char* const root_needed =
    "freeze, unfreeze, partition and heal use iptables: start the dashboard as root (bin/dash)";

int node_of(const json::object& request) {
  auto n = request.if_contains("node");
  return n && n->is_int64() && n->as_int64() >= 1 && n->as_int64() <= node_count ? static_cast<int>(n->as_int64()) : 0;
}
std::string text_of(const json::object& request, std::string_view field) {
  auto v = request.if_contains(field);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}
double number_of(const json::object& request, std::string_view field, double otherwise) {
  auto v = request.if_contains(field);
  if (!v || !v->is_number()) return otherwise;
  return v->to_number<double>();
}
ActionResult refused(unsigned status, std::string why) { return {status, {{"error", std::move(why)}}}; }

// [[1,2],[3,4,5]] -> "1,2/3,4,5", when every node is named at most once in two or more groups.
std::optional<std::string> partition_spec(const json::value* groups) {
  if (!groups || !groups->is_array() || groups->as_array().size() < 2) return std::nullopt;
  std::set<std::int64_t> seen;
  std::string spec;
  for (const auto& group : groups->as_array()) {
    if (!group.is_array() || group.as_array().empty()) return std::nullopt;
    if (!spec.empty()) spec += '/';
    std::string members;
    for (const auto& n : group.as_array()) {
      if (!n.is_int64() || n.as_int64() < 1 || n.as_int64() > node_count || !seen.insert(n.as_int64()).second)
        return std::nullopt;
      members += (members.empty() ? "" : ",") + std::to_string(n.as_int64());
    }
    spec += members;
  }
  return spec;
}

// The state letter of /proc/PID/stat ('T': stopped), or 0 when there is no such process.
char process_state(long pid) {
  if (pid <= 0) return 0;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  std::getline(stat, text);
  const auto close = text.rfind(')');
  return close == std::string::npos || close + 2 >= text.size() ? 0 : text[close + 2];
}
}  // namespace

struct Actions::State : std::enable_shared_from_this<Actions::State> {
  asio::any_io_executor executor;
  Hub& hub;
  std::filesystem::path root, run;
  bool is_root = ::geteuid() == 0;
  std::string nodes;  // empty: the loopback cluster, whose faults the page may apply
  bool fault_running = false, check_running = false;
  std::uint64_t load_generation = 0;
  std::uint64_t load_timeouts = 0;  // the load's requests that got no answer, since the last report
  json::value last_faults;

  State(asio::any_io_executor ex, Hub& h, std::filesystem::path r, std::filesystem::path pids)
      : executor(std::move(ex)), hub(h), root(std::move(r)), run(std::move(pids)) {}

  std::string script(const std::string& name) const { return (root / "bin" / name).string(); }

  long pid_of(int node) const {
    std::ifstream file(run / "pids" / (std::to_string(3000 + node) + ".pid"));
    long pid = 0;
    if (file >> pid && process_state(pid)) return pid;
    return hub.pid_of(node);
  }

  // Freeze rules and partition cuts from sysdist's iptables chain (bin/freeze.sh, bin/partition.sh).
  asio::awaitable<void> observe() {
    if (!nodes.empty()) co_return;  // another machine's processes and rules: not ours to read
    std::set<int> frozen;
    bool cut[node_count + 1][node_count + 1] = {};
    if (is_root) {
      std::vector<std::string> list_rules{"/usr/sbin/iptables", "-w", "-S", "SYSDIST"};  // named: g++ 12 bug 2
      auto rules = co_await run_command(std::move(list_rules), 5s);
      std::istringstream lines(rules.output);
      for (std::string line; std::getline(lines, line);) {
        if (auto at = line.find("sysdist-freeze-"); at != std::string::npos)
          frozen.insert(std::atoi(line.c_str() + at + 15) - 3000);
        int a = 0, b = 0;
        if (line.find("sysdist-partition") != std::string::npos &&
            std::sscanf(line.c_str(), "-A SYSDIST -s 127.0.0.%d/32 -d 127.0.0.%d/32", &a, &b) == 2 && a >= 1 &&
            a <= node_count && b >= 1 && b <= node_count)
          cut[a][b] = cut[b][a] = true;
      }
    }
    json::object nodes;
    for (int n = 1; n <= node_count; ++n) {
      const auto pid = pid_of(n);
      const char state = process_state(pid);
      nodes[std::to_string(n)] = !state ? "killed" : state == 'T' ? "paused" : frozen.contains(n) ? "frozen" : "up";
    }
    json::array groups;  // the sides: nodes still connected to each other
    std::set<int> placed;
    for (int n = 1; n <= node_count; ++n) {
      if (placed.contains(n)) continue;
      json::array side;
      for (int m = n; m <= node_count; ++m)
        if (!placed.contains(m) && !cut[n][m]) side.push_back(m), placed.insert(m);
      groups.push_back(std::move(side));
    }
    json::value faults = json::object{{"nodes", std::move(nodes)},
                                      {"partition", groups.size() > 1 ? json::value(groups) : json::value(nullptr)}};
    if (faults != last_faults) hub.publish(0, "faults", faults);
    last_faults = std::move(faults);
  }

  asio::awaitable<void> observe_loop() {
    Timer tick(executor);
    for (;;) {
      co_await observe();
      // The nodes count what they answer; what never got an answer only the clients know.
      if (load_timeouts > 0) hub.publish(0, "timeouts", json::object{{"count", std::exchange(load_timeouts, 0)}});
      tick.expires_after(1s);
      co_await tick.async_wait(asio::use_awaitable);
    }
  }

  // Each node's copies of the first keys (in key order), once a second while a page is open.
  asio::awaitable<void> dump_loop() {
    Timer tick(executor);
    for (;;) {
      tick.expires_after(1s);
      co_await tick.async_wait(asio::use_awaitable);
      if (hub.bus().subscribers() == 0 || hub.mode() != "AP") continue;  // the table is AP's
      json::object dumps;
      for (int n = 1; n <= node_count; ++n) {
        check::Connection connection(executor, n);
        std::string method = "GET", target = "/admin/dump?quiet&versions", body;
        auto answer = co_await connection.request(std::move(method), std::move(target), std::move(body), 500ms);
        boost::system::error_code ec;
        auto all = answer.error || answer.status != 200 ? json::value() : json::parse(answer.body, ec);
        if (ec || !all.is_object()) continue;
        std::map<std::string, json::value> sorted;
        for (const auto& [key, value] : all.as_object()) sorted.emplace(std::string(key), value);
        json::object first;
        for (auto& [key, value] : sorted) {
          if (first.size() == max_dump_keys) break;
          auto* copy = value.if_object();
          auto* val = copy ? copy->if_contains("val") : nullptr;
          auto* version = copy ? copy->if_contains("version") : nullptr;
          if (!val || !val->is_string() || !version || !version->is_string()) continue;  // not a copy of ours
          first[preview(key)] = json::object{{"val", preview(val->as_string())}, {"version", version->as_string().subview().substr(0, 64)}};
        }
        dumps[std::to_string(n)] = json::object{{"keys", all.as_object().size()}, {"first", std::move(first)}};
      }
      hub.publish(0, "dumps", std::move(dumps));
    }
  }

  asio::awaitable<void> load_client(std::uint64_t generation, int index, double read_ratio) {
    check::Connection connection(executor, index % node_count + 1);
    std::mt19937 random(static_cast<unsigned>(index * 7919 + generation));
    std::uniform_real_distribution<double> coin(0, 1);
    Timer pause(executor);
    const auto until = Clock::now() + max_load_time;
    for (std::uint64_t i = 0; load_generation == generation && Clock::now() < until; ++i) {
      const auto key = "load-" + std::to_string(random() % 100);
      const bool read = coin(random) < read_ratio;
      std::string method = read ? "GET" : "POST";
      std::string target = "/database/" + key + (read ? "" : "/v" + std::to_string(index) + "-" + std::to_string(i));
      std::string body;
      auto answer = co_await connection.request(std::move(method), std::move(target), std::move(body), 2s);
      if (answer.error) ++load_timeouts;
      pause.expires_after(load_pause);
      co_await pause.async_wait(use_tuple);
    }
  }
};

Actions::Actions(asio::any_io_executor executor, Hub& hub, std::filesystem::path root, std::filesystem::path run,
                 std::string nodes)
    : state_(std::make_shared<State>(std::move(executor), hub, std::move(root), std::move(run))) {
  state_->nodes = std::move(nodes);
}
Actions::~Actions() { ++state_->load_generation; }

void Actions::start() {
  auto state = state_;
  asio::co_spawn(state->executor, [state]() -> asio::awaitable<void> { co_await state->observe_loop(); },
                 log_failure("fault observer"));
  asio::co_spawn(state->executor, [state]() -> asio::awaitable<void> { co_await state->dump_loop(); },
                 log_failure("dumps"));
}

json::object Actions::info() const {
  json::object info{{"mode", state_->hub.mode()}, {"root", state_->is_root}, {"recording", state_->hub.recording()}};
  if (!state_->is_root)
    info["root_needed"] = root_needed;
  if (!state_->nodes.empty()) info["faults_elsewhere"] = faults_elsewhere;
  return info;
}

asio::awaitable<ActionResult> Actions::fault(const json::object& request) {
  auto& s = *state_;
  const auto action = text_of(request, "action");
  const int node = node_of(request);
  const std::string port = std::to_string(3000 + node);
  if (!s.nodes.empty()) co_return refused(409, faults_elsewhere);
  std::vector<std::string> argv;
  if (action == "pause" || action == "resume" || action == "kill") {
    // Signals, sent here to the pid the observer watches (bin/pause.sh, resume.sh and kill.sh do the same).
    if (!node) co_return refused(400, action + " needs a node (1-5)");
    const auto pid = s.pid_of(node);
    if (pid <= 0) co_return refused(409, "node " + std::to_string(node) + " is not running");
    const int signal = action == "pause" ? SIGSTOP : action == "resume" ? SIGCONT : SIGKILL;
    const int sent = ::kill(static_cast<pid_t>(pid), signal);
    json::object outcome{{"action", action}, {"node", node}, {"exit_code", sent == 0 ? 0 : 1},
                         {"output", action + " node " + std::to_string(node) + " (pid " + std::to_string(pid) + ")" +
                                        (sent == 0 ? "" : ": " + std::string(std::strerror(errno)))}};
    s.hub.publish(0, "action", outcome);
    auto state = state_;
    co_await state->observe();
    co_return ActionResult{sent == 0 ? 200u : 500u, std::move(outcome)};
  }
  if (action == "freeze") {
    if (!node) co_return refused(400, "freeze needs a node (1-5)");
    argv = {s.script("freeze.sh"), port};
  } else if (action == "unfreeze") {
    argv = node ? std::vector<std::string>{s.script("unfreeze.sh"), port} : std::vector<std::string>{s.script("unfreeze.sh")};
  } else if (action == "restart") {
    if (!node) co_return refused(400, "restart needs a node (1-5)");
    argv = {s.script("cluster"), "restart", std::to_string(node), s.hub.mode()};
  } else if (action == "partition") {
    auto spec = partition_spec(request.if_contains("groups"));
    if (!spec) co_return refused(400, "partition needs two or more groups of nodes 1-5, each node at most once");
    argv = {s.script("partition.sh"), *spec};
  } else if (action == "heal") {
    argv = {s.script("heal.sh")};
  } else {
    co_return refused(400, "unknown action '" + preview(action) + "'");
  }
  if (root_faults.contains(action) && !s.is_root) co_return refused(403, root_needed);
  if (s.fault_running) co_return refused(409, "another fault is being applied; try again in a moment");
  s.fault_running = true;
  auto state = state_;  // outlives this call
  auto result = co_await run_command(argv, 30s);
  state->fault_running = false;
  json::object outcome{{"action", action}, {"node", node}, {"exit_code", result.exit_code},
                       {"output", result.output.substr(result.output.size() > 2000 ? result.output.size() - 2000 : 0)}};
  state->hub.publish(0, "action", outcome);
  co_await state->observe();
  co_return ActionResult{result.exit_code == 0 ? 200u : 500u, std::move(outcome)};
}

asio::awaitable<ActionResult> Actions::client(const json::object& request) {
  const auto op = text_of(request, "op");
  const auto key = text_of(request, "key");
  const auto value = text_of(request, "value");
  const int node = node_of(request);
  if (op != "read" && op != "write" && op != "delete") co_return refused(400, "op is read, write or delete");
  if (!node) co_return refused(400, "node is 1-5");
  if (key.empty() || key.size() > 1024) co_return refused(400, "key must be 1 to 1024 bytes");
  if (op == "write" && (value.empty() || value.size() > max_client_value_bytes))
    co_return refused(400, "value must be 1 to 65536 bytes");
  auto state = state_;
  auto path = "/database/" + boost::urls::encode(key, boost::urls::pchars);
  std::string method = op == "read" ? "GET" : op == "delete" ? "DELETE" : "PUT";
  std::string body = op == "write" ? value : std::string();
  check::Connection connection(state->executor, node);
  const auto began = Clock::now();
  auto answer = co_await connection.request(std::move(method), std::move(path), std::move(body), 6s);
  const std::chrono::duration<double, std::milli> took = Clock::now() - began;
  json::object outcome{{"op", op}, {"key", preview(key)}, {"node", node}, {"ms", std::round(took.count() * 10) / 10}};
  if (answer.error) {
    outcome["status"] = 0;
    outcome["error"] = answer.error == beast::error::timeout ? "no answer in 6 s" : answer.error.message();
  } else {
    outcome["status"] = answer.status;
    outcome["body"] = answer.body.substr(0, 4096);
  }
  state->hub.publish(0, "client_action", outcome);
  co_return ActionResult{200, std::move(outcome)};
}

ActionResult Actions::load(const json::object& request) {
  auto& s = *state_;
  const auto clients = static_cast<std::size_t>(std::clamp(number_of(request, "clients", 0), 0.0, 1e6));
  const auto read_ratio = std::clamp(number_of(request, "read_ratio", 0.5), 0.0, 1.0);
  if (clients > max_load_clients) return refused(400, "at most " + std::to_string(max_load_clients) + " clients");
  const auto generation = ++s.load_generation;  // ends the previous load
  auto state = state_;
  for (std::size_t i = 0; i < clients; ++i) {
    auto client = [state, generation, i, read_ratio]() -> asio::awaitable<void> {
      co_await state->load_client(generation, static_cast<int>(i), read_ratio);
    };
    asio::co_spawn(s.executor, std::move(client), log_failure("load client"));
  }
  json::object outcome{{"clients", clients}, {"read_ratio", read_ratio}};
  s.hub.publish(0, "load", outcome);
  return {200, std::move(outcome)};
}

ActionResult Actions::check(const json::object& request) {
  auto& s = *state_;
  const auto seconds = static_cast<int>(std::clamp(number_of(request, "seconds", 20), 5.0, 300.0));
  auto nemesis = text_of(request, "nemesis");
  if (nemesis.empty()) nemesis = "none";
  static const std::set<std::string> nemeses{"none", "kill", "pause", "freeze", "partition", "mix"};
  if (!nemeses.contains(nemesis)) return refused(400, "nemesis is none, kill, pause, freeze, partition or mix");
  if (nemesis != "none" && !s.nodes.empty()) return refused(409, faults_elsewhere);
  if (nemesis != "none" && nemesis != "kill" && nemesis != "pause" && !s.is_root)
    return refused(403, "the " + nemesis + " nemesis uses iptables: start the dashboard as root");
  if (s.check_running) return refused(409, "a check is already running");
  s.check_running = true;
  std::vector<std::string> argv{(s.root / "build" / "release" / "sysdist-check").string(), "run", "--nemesis", nemesis,
                                "--duration", std::to_string(seconds), "--scripts", (s.root / "bin").string()};
  if (!s.nodes.empty()) argv.insert(argv.end(), {"--nodes", s.nodes});
  json::object started{{"phase", "started"}, {"seconds", seconds}, {"nemesis", nemesis}};
  s.hub.publish(0, "check", started);
  auto state = state_;
  auto run = [state, argv, seconds, nemesis]() -> asio::awaitable<void> {
    auto result = co_await run_command(argv, std::chrono::seconds(seconds + 120));
    state->check_running = false;
    const auto valid = result.exit_code == 0;
    state->hub.publish(0, "check", json::object{{"phase", "done"}, {"valid", valid}, {"exit_code", result.exit_code},
                                                {"nemesis", nemesis}, {"output", result.output}});
  };
  asio::co_spawn(s.executor, std::move(run), log_failure("check"));
  return {200, std::move(started)};
}

}  // namespace sysdist::dash
