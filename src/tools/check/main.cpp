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
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include <boost/json.hpp>
#include <boost/program_options.hpp>

#include "common/net.hpp"
#include "modes/ap/ring.hpp"
#include "tools/check/linearizability.hpp"

using namespace sysdist;
using namespace sysdist::check;
using Clock = std::chrono::steady_clock;
namespace po = boost::program_options;
namespace json = boost::json;

namespace {

constexpr int node_count = 5;

struct Options {
  std::string mode;  // CA, AP, CP; empty: ask the cluster
  std::string nemesis = "none";
  double duration_s = 30, fault_s = 4, heal_s = 4, settle_s = 5;
  int clients = 10, keys = 8;
  unsigned seed = 1;
  int timeout_ms = 5000;
  std::string history_file, scripts = "bin";
  std::size_t replicas = 3;  // AP's N
  std::string tag;  // prefixes keys and values: runs against one cluster never see each other's data
  std::string key(int k) const { return tag + "k" + std::to_string(k); }
};

std::string host_of(int node) { return "127.0.0." + std::to_string(node); }
int port_of(int node) { return 3000 + node; }

// Synchronous GET through curl (used off the hot path: status, dumps), from 127.0.0.254 so
// that freezing node 1 does not cut the checker off.
std::optional<std::string> curl_get(int node, const std::string& path, int seconds = 2) {
  const auto command = "curl -s --fail --max-time " + std::to_string(seconds) + " --interface 127.0.0.254 http://" +
                       host_of(node) + ":" + std::to_string(port_of(node)) + path;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return std::nullopt;
  std::string out;
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
  return ::pclose(pipe) == 0 ? std::optional(out) : std::nullopt;
}

std::optional<json::object> get_json(int node, const std::string& path) {
  auto text = curl_get(node, path);
  if (!text) return std::nullopt;
  boost::system::error_code ec;
  auto v = json::parse(*text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return v.as_object();
}

// ---------------------------------------------------------------- the clients

struct Recorder {
  Clock::time_point began = Clock::now();
  std::vector<Op> ops;
  std::uint64_t ok = 0, fail = 0, info = 0;
  std::int64_t now_ns() const {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - began).count();
  }
  void record(Op op) {
    (op.result == OpResult::ok ? ok : op.result == OpResult::fail ? fail : info)++;
    op.id = ops.size();
    ops.push_back(std::move(op));
  }
};

struct Workload {
  const Options& options;
  Recorder& recorder;
  Clock::time_point stop_at;
};

// One client: one operation at a time, each to a random node over a keep-alive connection.
asio::awaitable<void> client(Workload& w, int process) {
  auto executor = co_await asio::this_coro::executor;
  std::mt19937 random(w.options.seed * 1000 + static_cast<unsigned>(process));
  std::array<std::unique_ptr<beast::tcp_stream>, node_count> streams;
  std::map<std::string, std::string> last_seen;  // per key: a value to expect in a cas
  beast::flat_buffer buffer;
  for (std::uint64_t n = 0; Clock::now() < w.stop_at; ++n) {
    Op op;
    op.process = process;
    op.key = w.options.key(static_cast<int>(random() % static_cast<unsigned>(w.options.keys)));
    op.node = static_cast<int>(random() % node_count) + 1;
    const auto dice = random() % 100;
    const bool cas_allowed = w.options.mode == "CP" && last_seen.contains(op.key);
    op.type = dice < 50 ? OpType::read : (dice < 85 || !cas_allowed ? OpType::write : OpType::cas);
    std::string target = "/database/" + op.key;
    if (op.type != OpType::read) op.value = w.options.tag + "c" + std::to_string(process) + "-" + std::to_string(n);
    if (op.type == OpType::cas) {
      op.expected = last_seen[op.key];
      target += "?expect=" + op.expected;  // values are [a-z0-9-]: nothing to escape
    }
    http::request<http::string_body> request{op.type == OpType::read ? http::verb::get : http::verb::put, target, 11};
    request.set(http::field::host, host_of(op.node));
    request.keep_alive(true);
    if (op.value && op.type != OpType::read) request.body() = *op.value;
    request.prepare_payload();

    auto& stream = streams[static_cast<std::size_t>(op.node - 1)];
    op.invoke_ns = w.recorder.now_ns();
    boost::system::error_code ec;
    if (!stream) {
      stream = std::make_unique<beast::tcp_stream>(executor);
      stream->socket().open(asio::ip::tcp::v4());
      stream->socket().bind({asio::ip::make_address("127.0.0.254"), 0}, ec);
      if (ec) stream->socket().close(), stream->socket().open(asio::ip::tcp::v4()), ec = {};  // outside a namespace
      stream->expires_after(std::chrono::milliseconds(w.options.timeout_ms));
      std::tie(ec) = co_await stream->async_connect(
          tcp::endpoint(asio::ip::make_address(host_of(op.node)), static_cast<unsigned short>(port_of(op.node))),
          use_tuple);
    }
    if (ec) {  // nothing was sent: the operation definitely did not happen
      op.complete_ns = w.recorder.now_ns();
      op.result = OpResult::fail;
      stream.reset();
      w.recorder.record(std::move(op));
      asio::steady_timer pause(executor, std::chrono::milliseconds(50));  // a dead node refuses at once
      co_await pause.async_wait(use_tuple);
      continue;
    }
    http::response_parser<http::string_body> parser;
    {
      stream->expires_after(std::chrono::milliseconds(w.options.timeout_ms));
      std::tie(ec, std::ignore) = co_await http::async_write(*stream, request, use_tuple);
    }
    if (!ec) std::tie(ec, std::ignore) = co_await http::async_read(*stream, buffer, parser, use_tuple);
    op.complete_ns = w.recorder.now_ns();
    if (ec) {
      stream.reset();
      buffer.clear();
    } else {
      op.status = parser.get().result_int();
      if (!parser.get().keep_alive()) stream.reset();
    }
    op.result = result_for_status(op.type, op.status);
    if (op.type == OpType::cas && op.status == 412) op.mismatch = true;
    if (op.type == OpType::read && op.result == OpResult::ok) {
      op.value.reset();
      if (op.status == 200) {
        auto body = json::parse(parser.get().body(), ec);
        if (ec || !body.is_object() || !body.as_object().contains("val")) {
          op.result = OpResult::fail;  // an answer we cannot read says nothing
        } else {
          op.value = std::string(body.as_object().at("val").as_string());
        }
      }
    }
    if (op.result == OpResult::ok && op.value && !op.mismatch) last_seen[op.key] = *op.value;
    w.recorder.record(std::move(op));
  }
}

// ---------------------------------------------------------------- the nemesis

// Faults, run on their own thread (they block: scripts, kill and restart).
class Nemesis {
 public:
  explicit Nemesis(const Options& options) : options_(options), random_(options.seed) {
    for (int node = 1; node <= node_count; ++node)
      if (auto status = get_json(node, "/admin/status"); status && status->contains("pid"))
        pids_[node] = static_cast<pid_t>(status->at("pid").to_number<std::int64_t>());
  }
  ~Nemesis() { heal(); }

  // Faults every heal_s seconds for fault_s seconds, until `stop`.
  void run(std::atomic<bool>& stop) {
    if (options_.nemesis == "none") return;
    while (!sleep_unless(stop, options_.heal_s)) {
      inject(options_.nemesis == "mix" ? pick({"kill", "pause", "freeze", "partition"}) : options_.nemesis);
      if (sleep_unless(stop, options_.fault_s)) break;
      heal();
    }
    heal();
  }
  std::string current() {
    std::lock_guard lock(mutex_);
    return current_;
  }
  std::vector<std::string> events() const { return events_; }

  void heal() {
    for (auto node : std::exchange(paused_, {})) ::kill(pids_[node], SIGCONT);
    for (auto& [node, launch] : std::exchange(killed_, {})) restart(node, launch);
    if (network_cut_) script("heal.sh", ""), network_cut_ = false;
    note("healed");
  }

 private:
  struct Launch {
    std::vector<std::string> argv, environment;
    std::string cwd, log;
  };

  bool sleep_unless(std::atomic<bool>& stop, double seconds) {
    const auto until = Clock::now() + std::chrono::milliseconds(static_cast<long>(seconds * 1000));
    while (Clock::now() < until && !stop) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return stop;
  }
  std::string pick(std::vector<std::string> kinds) { return kinds[random_() % kinds.size()]; }
  int random_node() { return static_cast<int>(random_() % node_count) + 1; }
  void note(const std::string& what) {
    std::lock_guard lock(mutex_);
    current_ = what;
    events_.push_back(what);
  }
  void script(const std::string& name, const std::string& argument) {
    const auto command = options_.scripts + "/" + name + " " + argument + " >/dev/null 2>&1";
    if (std::system(command.c_str()) != 0) std::cerr << "\nsysdist-check: " << command << " failed\n";
  }

  void inject(const std::string& kind) {
    const int node = random_node();
    if (kind == "partition") {
      std::vector<int> order{1, 2, 3, 4, 5};
      std::shuffle(order.begin(), order.end(), random_);
      const auto sides = std::to_string(order[0]) + "," + std::to_string(order[1]) + "/" + std::to_string(order[2]) +
                         "," + std::to_string(order[3]) + "," + std::to_string(order[4]);
      script("partition.sh", sides);
      network_cut_ = true;
      note("partition " + sides);
    } else if (kind == "freeze") {
      script("freeze.sh", std::to_string(port_of(node)));
      network_cut_ = true;
      note("freeze " + std::to_string(node));
    } else if (kind == "pause" && pids_.contains(node)) {
      ::kill(pids_[node], SIGSTOP);
      paused_.insert(node);
      note("pause " + std::to_string(node));
    } else if (kind == "kill" && pids_.contains(node)) {
      auto launch = launch_of(pids_[node]);
      if (!launch) return;
      ::kill(pids_[node], SIGKILL);
      for (int i = 0; i < 100 && std::filesystem::exists("/proc/" + std::to_string(pids_[node])); ++i) {
        ::waitpid(pids_[node], nullptr, WNOHANG);  // our own child after an earlier restart
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      killed_[node] = *launch;
      note("kill -9 " + std::to_string(node));
    }
  }

  // How a node was started, read from /proc before it is killed, to start it again the same way.
  static std::optional<Launch> launch_of(pid_t pid) {
    const auto proc = "/proc/" + std::to_string(pid);
    auto split = [](const std::string& path) {
      std::ifstream in(path, std::ios::binary);
      std::vector<std::string> parts;
      for (std::string part; std::getline(in, part, '\0');) parts.push_back(part);
      return parts;
    };
    Launch launch{split(proc + "/cmdline"), split(proc + "/environ"), {}, {}};
    std::error_code ec;
    launch.cwd = std::filesystem::read_symlink(proc + "/cwd", ec).string();
    launch.log = std::filesystem::read_symlink(proc + "/fd/1", ec).string();
    if (launch.argv.empty() || launch.cwd.empty()) return std::nullopt;
    return launch;
  }

  void restart(int node, const Launch& launch) {
    const pid_t child = ::fork();
    if (child == 0) {
      if (::chdir(launch.cwd.c_str()) != 0) ::_exit(127);
      const bool to_file = !launch.log.empty() && launch.log.front() == '/' && launch.log.find("socket:") != 0;
      const int out = ::open(to_file ? launch.log.c_str() : "/dev/null", O_WRONLY | O_APPEND | O_CREAT, 0644);
      if (out >= 0) ::dup2(out, 1), ::dup2(out, 2);
      ::setpgid(0, 0);  // not in the checker's process group: a Ctrl-C to the checker leaves it running
      std::vector<char*> argv, environment;
      for (auto& a : launch.argv) argv.push_back(const_cast<char*>(a.c_str()));
      for (auto& e : launch.environment) environment.push_back(const_cast<char*>(e.c_str()));
      argv.push_back(nullptr);
      environment.push_back(nullptr);
      ::execve(argv[0], argv.data(), environment.data());
      ::_exit(127);
    }
    if (child > 0) pids_[node] = child;
  }

  const Options& options_;
  std::mt19937 random_;
  std::map<int, pid_t> pids_;
  std::set<int> paused_;
  std::map<int, Launch> killed_;
  bool network_cut_ = false;
  std::mutex mutex_;
  std::string current_ = "none";
  std::vector<std::string> events_;
};

asio::awaitable<void> progress(const Recorder& recorder, Nemesis& nemesis, Clock::time_point stop_at) {
  // On a terminal one line redrawn every second; in a log a line every 5 s.
  const bool terminal = ::isatty(2);
  asio::steady_timer tick(co_await asio::this_coro::executor);
  while (Clock::now() < stop_at) {
    tick.expires_after(std::chrono::seconds(terminal ? 1 : 5));
    co_await tick.async_wait(use_tuple);
    std::cerr << (terminal ? "\r  " : "  ")
              << std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - recorder.began).count()
              << " s: " << recorder.ops.size() << " ops (ok " << recorder.ok << ", fail " << recorder.fail << ", info "
              << recorder.info << ")  fault: " << nemesis.current() << (terminal ? "          " : "\n") << std::flush;
  }
  if (terminal) std::cerr << "\n";
}

// ---------------------------------------------------------------- the checks

struct Check {
  std::string name;
  bool passed;
  bool required;
  std::string detail;
};

// Every node's copy of the workload's keys after healing; nullopt for a node that did not answer.
std::vector<std::optional<std::map<std::string, std::string>>> dumps(const Options& options) {
  std::vector<std::optional<std::map<std::string, std::string>>> out;
  for (int node = 1; node <= node_count; ++node) {
    auto dump = get_json(node, "/admin/dump");
    if (!dump) {
      out.emplace_back();
      continue;
    }
    std::map<std::string, std::string> data;
    for (int k = 0; k < options.keys; ++k)
      if (auto* v = dump->if_contains(options.key(k)); v && v->is_string())
        data[options.key(k)] = std::string(v->as_string());
    out.emplace_back(std::move(data));
  }
  return out;
}

Check same_everywhere(const std::vector<std::optional<std::map<std::string, std::string>>>& copies) {
  for (int node = 0; node < node_count; ++node)
    if (!copies[static_cast<std::size_t>(node)])
      return {"converged", false, true, "node " + std::to_string(node + 1) + " did not answer its dump"};
  for (int node = 1; node < node_count; ++node)
    if (*copies[static_cast<std::size_t>(node)] != *copies[0])
      return {"converged", false, true, "node " + std::to_string(node + 1) + " differs from node 1"};
  return {"converged", true, true, "all " + std::to_string(node_count) + " nodes hold the same data"};
}

// Every copy of a key on its AP replicas agrees (N of 5 nodes hold one; in CA and CP every
// node holds all, and the replicas are a subset), and its value was written by a write
// that no acknowledged write followed in real time (otherwise that write was lost).
std::vector<Check> ap_checks(const std::vector<Op>& history,
                             const std::vector<std::optional<std::map<std::string, std::string>>>& copies,
                             const Options& options) {
  Membership membership;
  for (int node = 1; node <= node_count; ++node)
    membership.members.push_back({host_of(node), static_cast<unsigned short>(port_of(node))});
  const ap::Ring ring(membership);
  Check agree{"converged", true, true, "the replicas of every key agree"};
  Check kept{"no acknowledged write lost", true, true, "each key ends with its latest acknowledged write or a newer one"};
  for (int k = 0; k < options.keys && agree.passed && kept.passed; ++k) {
    const auto key = options.key(k);
    std::set<std::string> values;
    std::string holders;
    for (auto node : ring.preference_list(key, options.replicas))  // stand-ins' copies go with their hints
      if (copies[node] && copies[node]->contains(key)) {
        values.insert(copies[node]->at(key));
        holders += " node " + std::to_string(node + 1) + "=" + copies[node]->at(key);
      }
    if (values.size() > 1) {
      agree = {"converged", false, true, key + " has " + std::to_string(values.size()) + " values:" + holders};
      break;
    }
    const Op* last_ok = nullptr;  // the acknowledged write that began last
    const Op* winner = nullptr;
    for (auto& op : history) {
      if (op.key != key || op.type == OpType::read || op.result == OpResult::fail || op.mismatch) continue;
      if (op.result == OpResult::ok && (!last_ok || op.invoke_ns > last_ok->invoke_ns)) last_ok = &op;
      if (!values.empty() && op.value == *values.begin()) winner = &op;
    }
    if (!last_ok) continue;
    if (!winner) {
      kept = {"no acknowledged write lost", false, true,
              key + (values.empty() ? " is gone" : " holds " + *values.begin() + ", which no write wrote") +
                  " although " + describe(*last_ok) + " was acknowledged"};
    } else if (winner->result == OpResult::ok && winner->complete_ns < last_ok->invoke_ns) {
      kept = {"no acknowledged write lost", false, true,
              key + " holds " + *values.begin() + " but " + describe(*last_ok) + " was acknowledged after it"};
    }
  }
  return {agree, kept};
}

// CA: no failed write's value is visible anywhere (neither read nor stored).
Check nothing_failed_visible(const std::vector<Op>& history,
                             const std::vector<std::optional<std::map<std::string, std::string>>>& copies) {
  std::set<std::string> failed;
  for (auto& op : history)
    if (op.type != OpType::read && op.result == OpResult::fail && op.value) failed.insert(*op.value);
  for (auto& op : history)
    if (op.type == OpType::read && op.result == OpResult::ok && op.value && failed.contains(*op.value))
      return {"no failed write visible", false, true, describe(op) + " saw a write that answered failure"};
  for (auto& copy : copies)
    if (copy)
      for (auto& [key, value] : *copy)
        if (failed.contains(value))
          return {"no failed write visible", false, true, key + " holds " + value + ", a write that answered failure"};
  return {"no failed write visible", true, true, std::to_string(failed.size()) + " failed writes, none visible"};
}

Check linearizability(const std::vector<Op>& history, bool required) {
  auto verdict = check_linearizable(history);
  Check check{"linearizable", verdict.linearizable, required,
              std::to_string(verdict.ops) + " operations on " + std::to_string(verdict.keys) + " keys"};
  int shown_windows = 0;
  for (auto& failure : verdict.failures) {
    if (failure.gave_up) {
      check.detail += "\n    key " + failure.key + ": the search exceeded its budget (no verdict)";
      continue;
    }
    if (shown_windows++ == 2) check.detail += "\n    (further keys failed too)";
    if (shown_windows > 2) continue;
    check.detail += "\n    key " + failure.key + ": not linearizable; the shortest failing prefix ends with:";
    for (auto& op : failure.window) {
      char times[64];
      const double from = static_cast<double>(op.invoke_ns) / 1e6, to = static_cast<double>(op.complete_ns) / 1e6;
      if (op.result == OpResult::info) std::snprintf(times, sizeof times, "%10.3f -    (open) ms", from);
      else std::snprintf(times, sizeof times, "%10.3f - %10.3f ms", from, to);
      check.detail += "\n      " + std::string(times) + "  client " + std::to_string(op.process) + " via node " +
                      std::to_string(op.node) + ": " + describe(op);
    }
  }
  return check;
}

int report(const Options& options, const std::vector<Op>& history, const std::vector<Check>& checks) {
  std::uint64_t ok = 0, fail = 0, info = 0;
  for (auto& op : history) (op.result == OpResult::ok ? ok : op.result == OpResult::fail ? fail : info)++;
  bool valid = true;
  for (auto& c : checks) {
    std::cout << "  " << (c.passed ? "PASS " : (c.required ? "FAIL " : "no   ")) << c.name << ": " << c.detail
              << (c.required ? "" : "  (not promised by " + options.mode + ")") << "\n";
    valid = valid && (c.passed || !c.required);
  }
  std::cout << "sysdist-check: mode " << options.mode << ", nemesis " << options.nemesis << ": " << history.size()
            << " ops (ok " << ok << ", fail " << fail << ", info " << info << ")";
  for (auto& c : checks) std::cout << "; " << c.name << " " << (c.passed ? "yes" : "no");
  std::cout << "; valid " << (valid ? "yes" : "NO") << std::endl;
  return valid ? 0 : 1;
}

// ---------------------------------------------------------------- commands

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
                    Clock::now() + std::chrono::milliseconds(static_cast<long>(options.duration_s * 1000))};
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
  std::string command = "run", file;
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
