#include "tools/check/nemesis.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "common/net.hpp"
#include "tools/check/http_client.hpp"

namespace sysdist::check {

Nemesis::Nemesis(const Options& options) : options_(options), random_(options.seed) {
  for (int node = 1; node <= node_count; ++node)
    if (auto status = get_json(node, "/admin/status"); status && status->contains("pid"))
      pids_[node] = static_cast<pid_t>(status->at("pid").to_number<std::int64_t>());
}

void Nemesis::run(std::atomic<bool>& stop) {
  if (options_.nemesis == "none") return;
  while (!sleep_unless(stop, options_.heal_s)) {
    inject(options_.nemesis == "mix" ? pick({"kill", "pause", "freeze", "partition"}) : options_.nemesis);
    if (sleep_unless(stop, options_.fault_s)) break;
    heal();
  }
  heal();
}

std::string Nemesis::current() {
  std::lock_guard lock(mutex_);
  return current_;
}

void Nemesis::heal() {
  for (auto node : std::exchange(paused_, {})) ::kill(pids_[node], SIGCONT);
  for (auto& [node, launch] : std::exchange(killed_, {})) restart(node, launch);
  if (network_cut_) script("heal.sh", ""), network_cut_ = false;
  note("healed");
}

bool Nemesis::sleep_unless(std::atomic<bool>& stop, double seconds) {
  const auto until = CheckClock::now() + std::chrono::milliseconds(static_cast<long>(seconds * 1000));
  while (CheckClock::now() < until && !stop) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  return stop;
}

void Nemesis::note(const std::string& what) {
  std::lock_guard lock(mutex_);
  current_ = what;
  events_.push_back(what);
}

void Nemesis::script(const std::string& name, const std::string& argument) {
  const auto command = options_.scripts + "/" + name + " " + argument + " >/dev/null 2>&1";
  if (std::system(command.c_str()) != 0) std::cerr << "\nsysdist-check: " << command << " failed\n";
}

void Nemesis::inject(const std::string& kind) {
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

std::optional<Nemesis::Launch> Nemesis::launch_of(pid_t pid) {
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

void Nemesis::restart(int node, const Launch& launch) {
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

asio::awaitable<void> progress(const Recorder& recorder, Nemesis& nemesis, CheckClock::time_point stop_at) {
  // On a terminal one line redrawn every second; in a log a line every 5 s.
  const bool terminal = ::isatty(2);
  asio::steady_timer tick(co_await asio::this_coro::executor);
  while (CheckClock::now() < stop_at) {
    tick.expires_after(std::chrono::seconds(terminal ? 1 : 5));
    co_await tick.async_wait(use_tuple);
    std::cerr << (terminal ? "\r  " : "  ")
              << std::chrono::duration_cast<std::chrono::seconds>(CheckClock::now() - recorder.began).count()
              << " s: " << recorder.ops.size() << " ops (ok " << recorder.ok << ", fail " << recorder.fail << ", info "
              << recorder.info << ")  fault: " << nemesis.current() << (terminal ? "          " : "\n") << std::flush;
  }
  if (terminal) std::cerr << "\n";
}

}  // namespace sysdist::check
