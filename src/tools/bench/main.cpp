// sysdist-bench: a closed-loop HTTP load generator for sysdist clusters. Each client holds
// one keep-alive connection to one target (clients are spread over the targets) and sends
// its next request when the previous one answered. Prints a progress line every second,
// then throughput, latency percentiles and answers by status (--json: one JSON line).
// --api etcd speaks etcd's v3 JSON gateway instead (POST /v3/kv/put and /v3/kv/range with
// base64 keys and values), --api static GETs one path (an HTTP server's ceiling).
#include <iostream>
#include <map>
#include <random>
#include <sstream>

#include <boost/beast/core/detail/base64.hpp>
#include <boost/json.hpp>
#include <boost/program_options.hpp>

#include "common/net.hpp"
#include "tools/bench/histogram.hpp"

using namespace sysdist;
using Clock = std::chrono::steady_clock;
namespace po = boost::program_options;

namespace {

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
};

std::string base64(std::string_view text) {
  std::string out(beast::detail::base64::encoded_size(text.size()), '\0');
  out.resize(beast::detail::base64::encode(out.data(), text.data(), text.size()));
  return out;
}

// The request for one operation in the chosen API.
http::request<http::string_body> make_request(const Options& o, bool write, const std::string& key,
                                              const std::string& value) {
  http::request<http::string_body> request;
  request.version(11);
  if (o.api == "static") {
    request.method(http::verb::get);
    request.target(o.path);
  } else if (o.api == "etcd") {
    request.method(http::verb::post);
    request.target(write ? "/v3/kv/put" : "/v3/kv/range");
    request.set(http::field::content_type, "application/json");
    boost::json::object body{{"key", base64(key)}};
    if (write) body["value"] = base64(value);
    else if (o.stale) body["serializable"] = true;
    request.body() = boost::json::serialize(body);
  } else {
    request.method(write ? http::verb::put : http::verb::get);
    request.target("/database/" + key + (!write && o.stale ? "?stale=true" : ""));
    if (write) request.body() = value;
  }
  return request;
}

struct Run {
  Options options;
  Clock::time_point measure_from, stop_at;
  std::uint64_t issued = 0, done = 0;
  bench::Histogram latency;
  std::map<std::string, std::uint64_t> outcomes;  // "200", "201", "timeout", ...
  bool measuring(Clock::time_point t) const { return t >= measure_from; }
  bool finished(Clock::time_point t) const { return options.ops ? issued >= options.ops : t >= stop_at; }
};

tcp::endpoint endpoint_of(const std::string& target) {
  const auto colon = target.rfind(':');
  return {asio::ip::make_address(target.substr(0, colon)),
          static_cast<unsigned short>(std::stoi(target.substr(colon + 1)))};
}

// One client: request, await the answer, record, repeat.
asio::awaitable<void> client(Run& run, int id, bool preload_only) {
  auto executor = co_await asio::this_coro::executor;
  const auto& o = run.options;
  const auto target = o.targets[static_cast<std::size_t>(id) % o.targets.size()];
  const auto endpoint = endpoint_of(target);
  std::mt19937_64 random(static_cast<std::uint64_t>(id) * 7919 + 1);
  const std::string value(o.value_size, 'v');
  std::unique_ptr<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
  for (int n = id;; n += o.clients) {
    const auto now = Clock::now();
    if (preload_only ? n >= o.keys : run.finished(now)) break;
    if (!preload_only) ++run.issued;
    if (!stream) {
      stream = std::make_unique<beast::tcp_stream>(executor);
      stream->expires_after(std::chrono::seconds(5));
      auto [ec] = co_await stream->async_connect(endpoint, use_tuple);
      if (ec) {
        ++run.outcomes["connect_error"];
        stream.reset();
        asio::steady_timer pause(executor, std::chrono::milliseconds(100));
        co_await pause.async_wait(use_tuple);
        continue;
      }
    }
    const bool write = preload_only || std::uniform_real_distribution<>(0, 1)(random) >= o.read_ratio;
    const auto key = "bench-" + std::to_string(preload_only ? n : static_cast<int>(random() % o.keys));
    auto request = make_request(o, write, key, value);
    request.set(http::field::host, target);
    request.keep_alive(true);
    request.prepare_payload();
    const auto start = Clock::now();
    stream->expires_after(std::chrono::seconds(10));
    auto [write_ec, sent] = co_await http::async_write(*stream, request, use_tuple);
    http::response_parser<http::string_body> parser;
    parser.body_limit(2 * 1024 * 1024);
    boost::system::error_code read_ec = write_ec;
    if (!write_ec) std::tie(read_ec, std::ignore) = co_await http::async_read(*stream, buffer, parser, use_tuple);
    const auto end = Clock::now();
    if (preload_only) {
      if (read_ec) stream.reset();
      continue;
    }
    ++run.done;
    if (!run.measuring(start)) {
      if (read_ec) stream.reset();
      continue;
    }
    if (read_ec) {
      ++run.outcomes[read_ec == beast::error::timeout ? "timeout" : "connection_error"];
      stream.reset();
      buffer.clear();
      continue;
    }
    ++run.outcomes[std::to_string(parser.get().result_int())];
    run.latency.record(
        static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(end - start).count()));
    if (!parser.get().keep_alive()) stream.reset();
  }
}

asio::awaitable<void> progress(Run& run) {
  asio::steady_timer tick(co_await asio::this_coro::executor);
  const auto began = Clock::now();
  std::uint64_t last = 0;
  while (!run.finished(Clock::now())) {
    tick.expires_after(std::chrono::seconds(1));
    co_await tick.async_wait(use_tuple);
    const auto seconds = std::chrono::duration<double>(Clock::now() - began).count();
    std::cerr << "\r  " << static_cast<int>(seconds) << " s: " << run.done << " ops (" << (run.done - last) << "/s)"
              << (run.measuring(Clock::now()) ? "" : " warming up") << "   " << std::flush;
    last = run.done;
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
      "path", po::value(&o.path)->default_value(o.path), "the path --api static requests");
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
      o.value_size > 1024 * 1024 || o.duration_s <= 0 || o.warmup_s < 0) {
    std::cerr << "sysdist-bench: bad options (see --help)\n";
    return std::nullopt;
  }
  return o;
}

void report(const Run& run, double seconds) {
  const auto& h = run.latency;
  const double ms = 1000.0;
  const double throughput = static_cast<double>(h.count()) / seconds;
  if (run.options.json) {
    boost::json::object status;
    for (auto& [k, v] : run.outcomes) status[k] = v;
    boost::json::object out{{"clients", run.options.clients},
                            {"seconds", seconds},
                            {"ops", h.count()},
                            {"throughput", throughput},
                            {"p50_ms", h.quantile(0.5) / ms},
                            {"p90_ms", h.quantile(0.9) / ms},
                            {"p99_ms", h.quantile(0.99) / ms},
                            {"p999_ms", h.quantile(0.999) / ms},
                            {"max_ms", h.max() / ms},
                            {"read_ratio", run.options.read_ratio},
                            {"status", status}};
    std::cout << boost::json::serialize(out) << std::endl;
    return;
  }
  std::printf("throughput %.1f ops/s (%llu ops in %.1f s, %d clients)\n", throughput,
              static_cast<unsigned long long>(h.count()), seconds, run.options.clients);
  std::printf("latency ms  p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f\n", h.quantile(0.5) / ms,
              h.quantile(0.9) / ms, h.quantile(0.99) / ms, h.quantile(0.999) / ms, h.max() / ms);
  std::printf("answers    ");
  for (auto& [k, v] : run.outcomes) std::printf(" %s=%llu", k.c_str(), static_cast<unsigned long long>(v));
  std::printf("\n");
}

}  // namespace

// Clients end on their own; an exception escaping one is a bug worth stopping for.
void rethrow(std::exception_ptr failure) {
  if (failure) std::rethrow_exception(failure);
}

int main(int argc, char** argv) {
  auto options = parse(argc, argv);
  if (!options) return 2;
  asio::io_context io(1);
  Run run;
  run.options = *options;
  if (options->preload) {
    for (int c = 0; c < options->clients; ++c) asio::co_spawn(io, client(run, c, true), rethrow);
    io.run();
    io.restart();
  }
  const auto begin = Clock::now();
  run.measure_from =
      begin + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options->warmup_s));
  run.stop_at = run.measure_from +
                std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options->duration_s));
  for (int c = 0; c < options->clients; ++c) asio::co_spawn(io, client(run, c, false), rethrow);
  if (!options->json) asio::co_spawn(io, progress(run), rethrow);
  io.run();
  const auto measured = std::chrono::duration<double>(Clock::now() - run.measure_from).count();
  report(run, measured > 0 ? measured : 1e-9);
  const bool any_error =
      run.outcomes.count("connect_error") || run.outcomes.count("connection_error") || run.outcomes.count("timeout");
  return run.latency.count() > 0 && !any_error ? 0 : 1;
}
