// sysdist-bench: a closed-loop HTTP load generator for sysdist clusters. Each client holds
// one keep-alive connection to one target (clients are spread over the targets) and sends
// its next request when the previous one answered. Prints a progress line every second,
// then throughput, latency percentiles and answers by status (--json: one JSON line).
// It must not be what limits a run: --threads event loops (default: one per core), every
// request serialized once at the start (per target, key and operation), responses read by
// an allocation-free parser (response_reader.hpp), counters per thread, merged at the end.
// bin/bench checks it against wrk on nginx in the same run.
// --api etcd speaks etcd's v3 JSON gateway instead (POST /v3/kv/put and /v3/kv/range with
// base64 keys and values), --api static GETs one path (an HTTP server's ceiling).
#include <array>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <thread>

#include <boost/json.hpp>
#include <boost/program_options.hpp>

#include "common/net.hpp"
#include "tools/bench/histogram.hpp"
#include "tools/bench/requests.hpp"
#include "tools/bench/response_reader.hpp"

using namespace sysdist;
using Clock = std::chrono::steady_clock;
namespace po = boost::program_options;

namespace {

using bench::Options;
using bench::Requests;

// --timeline keeps one histogram per step of the run (fine enough to see a stall of the
// event loop or an fsync queue), up to max_timeline_steps.
constexpr auto timeline_step = std::chrono::milliseconds(200);
constexpr std::size_t max_timeline_steps = 5 * 900;

// What one thread's clients counted; the threads' are merged at the end.
struct Tally {
  bench::Histogram latency;
  std::vector<bench::Histogram> per_step;  // --timeline: by timeline_step since the measurement began
  std::array<std::uint64_t, 600> statuses{};  // by HTTP status
  std::uint64_t connect_errors = 0, connection_errors = 0, timeouts = 0, bad_responses = 0;
  std::atomic<std::uint64_t> done{0};  // read by the progress line of another thread
};

struct Run {
  Options options;
  Requests requests;
  Clock::time_point measure_from, stop_at;
  std::atomic<std::uint64_t> issued{0};
  bool measuring(Clock::time_point t) const { return t >= measure_from; }
  bool finished(Clock::time_point t) const { return options.ops ? issued >= options.ops : t >= stop_at; }
};

tcp::endpoint endpoint_of(const std::string& target) {
  const auto colon = target.rfind(':');
  return {asio::ip::make_address(target.substr(0, colon)),
          static_cast<unsigned short>(std::stoi(target.substr(colon + 1)))};
}

// One client: request, await the answer, record, repeat.
asio::awaitable<void> client(Run& run, Tally& tally, int id, bool preload_only) {
  auto executor = co_await asio::this_coro::executor;
  const auto& o = run.options;
  const auto t = static_cast<std::size_t>(id) % o.targets.size();
  const auto endpoint = endpoint_of(o.targets[t]);
  const auto& reads = run.requests.reads[t];
  const auto& writes = run.requests.writes[t];
  std::mt19937_64 random(static_cast<std::uint64_t>(id) * 7919 + 1);
  std::uniform_real_distribution<> coin(0, 1);
  std::unique_ptr<beast::tcp_stream> stream;
  std::string in;
  in.reserve(64 * 1024);
  std::size_t buffered = 0;  // bytes of `in` read but not yet used
  for (int n = id;; n += o.clients) {
    const auto now = Clock::now();
    if (preload_only ? n >= o.keys : run.finished(now)) break;
    if (!preload_only) ++run.issued;
    if (!stream) {
      stream = std::make_unique<beast::tcp_stream>(executor);
      stream->expires_after(std::chrono::seconds(5));
      auto [ec] = co_await stream->async_connect(endpoint, use_tuple);
      if (ec) {
        if (!preload_only && run.measuring(now)) ++tally.connect_errors;
        stream.reset();
        asio::steady_timer pause(executor, std::chrono::milliseconds(100));
        co_await pause.async_wait(use_tuple);
        continue;
      }
      buffered = 0;
    }
    const bool write = preload_only || coin(random) >= o.read_ratio;
    const auto key = static_cast<std::size_t>(preload_only ? n : static_cast<int>(random() % o.keys));
    const auto& request = write ? writes[key] : reads[key];
    const auto start = Clock::now();
    stream->expires_after(std::chrono::seconds(10));
    auto [ec, sent] = co_await asio::async_write(*stream, asio::buffer(request), use_tuple);
    std::optional<bench::Response> response;
    while (!ec && !(response = bench::read_response({in.data(), buffered}))) {
      if (in.size() < buffered + 16384) in.resize(std::max(in.size() * 2, buffered + 16384));
      std::size_t got = 0;
      std::tie(ec, got) = co_await stream->async_read_some(asio::buffer(in.data() + buffered, in.size() - buffered),
                                                           use_tuple);
      buffered += got;
    }
    const auto end = Clock::now();
    if (!ec && response->status > 0) {  // keep what came after it (nothing, without pipelining)
      in.erase(0, response->size);
      buffered -= response->size;
    }
    if (preload_only) {
      if (ec || response->status <= 0 || !response->keep_alive) stream.reset();
      continue;
    }
    ++tally.done;
    const bool measured = run.measuring(start);
    if (ec || response->status <= 0) {
      if (measured) ++(ec == beast::error::timeout ? tally.timeouts : ec ? tally.connection_errors : tally.bad_responses);
      stream.reset();
      continue;
    }
    if (measured) {
      ++tally.statuses[static_cast<std::size_t>(std::min(response->status, 599))];
      const auto micros =
          static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(end - start).count());
      tally.latency.record(micros);
      if (!tally.per_step.empty()) {
        const auto step = static_cast<std::size_t>((end - run.measure_from) / timeline_step);
        tally.per_step[std::min(step, tally.per_step.size() - 1)].record(micros);
      }
    }
    if (!response->keep_alive) stream.reset();
  }
}

std::uint64_t done(const std::vector<std::unique_ptr<Tally>>& tallies) {
  std::uint64_t sum = 0;
  for (const auto& t : tallies) sum += t->done;
  return sum;
}

// A line a second on stderr, from the main thread while the load threads run.
void progress(const Run& run, const std::vector<std::unique_ptr<Tally>>& tallies, const std::atomic<bool>& over) {
  const auto began = Clock::now();
  std::uint64_t last = 0;
  while (!over) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    const auto seconds = std::chrono::duration<double>(Clock::now() - began).count();
    const auto now_done = done(tallies);
    std::cerr << "\r  " << static_cast<int>(seconds) << " s: " << now_done << " ops (" << (now_done - last) << "/s)"
              << (run.measuring(Clock::now()) ? "" : " warming up") << "   " << std::flush;
    last = now_done;
  }
  std::cerr << "\r" << std::string(60, ' ') << "\r";
}

std::optional<Options> parse(int argc, char** argv) {
  Options o;
  std::string targets = "127.0.0.1:3001,127.0.0.2:3002,127.0.0.3:3003,127.0.0.4:3004,127.0.0.5:3005";
  po::options_description d("Usage: sysdist-bench [options]\nOptions", 120);
  d.add_options()("help,h", "print this help")("targets", po::value(&targets)->default_value(targets),
                                               "host:port,... to spread the clients over")(
      "clients,c", po::value(&o.clients)->default_value(16), "concurrent clients, one connection each")(
      "duration", po::value(&o.duration_s)->default_value(10), "seconds to measure (after the warm-up)")(
      "ops", po::value(&o.ops)->default_value(0), "stop after this many operations instead (0: use --duration)")(
      "warmup", po::value(&o.warmup_s)->default_value(1), "seconds of load before measuring")(
      "read-ratio", po::value(&o.read_ratio)->default_value(0.5), "share of reads (GET), the rest are writes (PUT)")(
      "keys", po::value(&o.keys)->default_value(1000), "distinct keys, chosen uniformly")(
      "value-size", po::value(&o.value_size)->default_value(16), "bytes per written value")(
      "preload", po::bool_switch(&o.preload), "write every key once before the run, unmeasured")(
      "json", po::bool_switch(&o.json), "print the result as one JSON line")(
      "api", po::value(&o.api)->default_value(o.api), "sysdist, etcd (v3 JSON gateway) or static (GET --path)")(
      "stale", po::bool_switch(&o.stale), "reads: ?stale=true on sysdist, serializable on etcd")(
      "path", po::value(&o.path)->default_value(o.path), "the path --api static requests")(
      "threads", po::value(&o.threads)->default_value(0), "event loops (0: one per core)")(
      "timeline", po::value(&o.timeline), "write latency percentiles per 200 ms to this JSON file");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, d), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "sysdist-bench: " << e.what() << "\n";
    return std::nullopt;
  }
  if (vm.count("help")) {
    std::cout << d;
    std::exit(0);
  }
  std::istringstream list(targets);
  for (std::string t; std::getline(list, t, ',');) {
    try {
      endpoint_of(t);
    } catch (const std::exception&) {
      std::cerr << "sysdist-bench: bad target '" << t << "' (expected IP:port)\n";
      return std::nullopt;
    }
    o.targets.push_back(t);
  }
  if (o.api != "sysdist" && o.api != "etcd" && o.api != "static") {
    std::cerr << "sysdist-bench: --api must be sysdist, etcd or static\n";
    return std::nullopt;
  }
  if (o.targets.empty() || o.clients < 1 || o.keys < 1 || o.read_ratio < 0 || o.read_ratio > 1 ||
      o.value_size > 1024 * 1024 || o.duration_s <= 0 || o.warmup_s < 0 || o.threads < 0 || o.threads > 64) {
    std::cerr << "sysdist-bench: bad options (see --help)\n";
    return std::nullopt;
  }
  return o;
}

// The threads' tallies as one: latencies merged, answers by status and by failure.
void merge_into(Tally& all, const std::vector<std::unique_ptr<Tally>>& tallies) {
  for (const auto& t : tallies) {
    all.latency.merge(t->latency);
    for (std::size_t i = 0; i < all.statuses.size(); ++i) all.statuses[i] += t->statuses[i];
    all.connect_errors += t->connect_errors;
    all.connection_errors += t->connection_errors;
    all.timeouts += t->timeouts;
    all.bad_responses += t->bad_responses;
    all.per_step.resize(std::max(all.per_step.size(), t->per_step.size()));
    for (std::size_t i = 0; i < t->per_step.size(); ++i) all.per_step[i].merge(t->per_step[i]);
  }
}

// --timeline: [{"t" (seconds),"ops","p50_ms","p99_ms","p999_ms","max_ms"}...] per step, for
// bin/bench --plot.
void write_timeline(const std::string& file, const Tally& all, double seconds) {
  boost::json::array points;
  const double step_s = std::chrono::duration<double>(timeline_step).count();
  for (std::size_t i = 0; i < all.per_step.size() && static_cast<double>(i) * step_s < seconds; ++i) {
    const auto& h = all.per_step[i];
    points.push_back({{"t", static_cast<double>(i) * step_s}, {"ops", h.count()}, {"p50_ms", h.quantile(0.5) / 1000.0},
                      {"p99_ms", h.quantile(0.99) / 1000.0}, {"p999_ms", h.quantile(0.999) / 1000.0},
                      {"max_ms", h.max() / 1000.0}});
  }
  std::ofstream(file) << boost::json::serialize(points) << "\n";
}

std::map<std::string, std::uint64_t> outcomes_of(const Tally& t) {
  std::map<std::string, std::uint64_t> outcomes;
  for (std::size_t i = 0; i < t.statuses.size(); ++i)
    if (t.statuses[i]) outcomes[std::to_string(i)] = t.statuses[i];
  if (t.connect_errors) outcomes["connect_error"] = t.connect_errors;
  if (t.connection_errors) outcomes["connection_error"] = t.connection_errors;
  if (t.timeouts) outcomes["timeout"] = t.timeouts;
  if (t.bad_responses) outcomes["bad_response"] = t.bad_responses;
  return outcomes;
}

void report(const Options& options, const Tally& all, int threads, double seconds) {
  const auto& h = all.latency;
  const double ms = 1000.0;
  const double throughput = static_cast<double>(h.count()) / seconds;
  const auto outcomes = outcomes_of(all);
  if (options.json) {
    boost::json::object status;
    for (auto& [k, v] : outcomes) status[k] = v;
    boost::json::object out{{"clients", options.clients},
                            {"threads", threads},
                            {"seconds", seconds},
                            {"ops", h.count()},
                            {"throughput", throughput},
                            {"p50_ms", h.quantile(0.5) / ms},
                            {"p90_ms", h.quantile(0.9) / ms},
                            {"p99_ms", h.quantile(0.99) / ms},
                            {"p999_ms", h.quantile(0.999) / ms},
                            {"max_ms", h.max() / ms},
                            {"read_ratio", options.read_ratio},
                            {"status", status}};
    std::cout << boost::json::serialize(out) << std::endl;
    return;
  }
  std::printf("throughput %.1f ops/s (%llu ops in %.1f s, %d clients, %d threads)\n", throughput,
              static_cast<unsigned long long>(h.count()), seconds, options.clients, threads);
  std::printf("latency ms  p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f\n", h.quantile(0.5) / ms,
              h.quantile(0.9) / ms, h.quantile(0.99) / ms, h.quantile(0.999) / ms, h.max() / ms);
  std::printf("answers    ");
  for (auto& [k, v] : outcomes) std::printf(" %s=%llu", k.c_str(), static_cast<unsigned long long>(v));
  std::printf("\n");
}

}  // namespace

// Clients end on their own; an exception escaping one is a bug worth stopping for.
void rethrow(std::exception_ptr failure) {
  if (failure) std::rethrow_exception(failure);
}

// Runs `clients` clients spread over `threads` event loops until they end.
void run_clients(Run& run, std::vector<std::unique_ptr<Tally>>& tallies, bool preload_only) {
  const auto threads = static_cast<int>(tallies.size());
  std::vector<std::thread> loops;
  for (int t = 0; t < threads; ++t)
    loops.emplace_back([&run, &tallies, t, threads, preload_only] {
      asio::io_context io(1);
      for (int c = t; c < run.options.clients; c += threads)
        asio::co_spawn(io, client(run, *tallies[static_cast<std::size_t>(t)], c, preload_only), rethrow);
      io.run();
    });
  for (auto& loop : loops) loop.join();
}

int main(int argc, char** argv) {
  auto options = parse(argc, argv);
  if (!options) return 2;
  const int threads = std::min(options->clients, options->threads > 0
                                                     ? options->threads
                                                     : static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  Run run;
  run.options = *options;
  run.requests = bench::build_requests(*options);
  std::vector<std::unique_ptr<Tally>> tallies;
  for (int t = 0; t < threads; ++t) tallies.push_back(std::make_unique<Tally>());
  if (!options->timeline.empty())
    for (auto& t : tallies)
      t->per_step.resize(std::min<std::size_t>(max_timeline_steps, static_cast<std::size_t>(options->duration_s * 5) + 10));
  if (options->preload) run_clients(run, tallies, true);
  const auto begin = Clock::now();
  run.measure_from =
      begin + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options->warmup_s));
  run.stop_at = run.measure_from +
                std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options->duration_s));
  std::atomic<bool> over = false;
  std::thread progress_line;
  if (!options->json) progress_line = std::thread([&] { progress(run, tallies, over); });
  run_clients(run, tallies, false);
  const auto measured = std::chrono::duration<double>(Clock::now() - run.measure_from).count();
  over = true;
  if (progress_line.joinable()) progress_line.join();  // it may sleep up to a second more
  Tally all;
  merge_into(all, tallies);
  if (!options->timeline.empty()) write_timeline(options->timeline, all, measured);
  report(*options, all, threads, measured > 0 ? measured : 1e-9);
  const bool any_error = all.connect_errors || all.connection_errors || all.timeouts || all.bad_responses;
  return all.latency.count() > 0 && !any_error ? 0 : 1;
}
