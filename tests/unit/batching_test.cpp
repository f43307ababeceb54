// Peer call batching: the wire format round-trips and refuses malformed input; over the
// in-memory network, calls beyond the direct limit travel together yet each gets its own
// reply, its own deadline and its own cancellation.
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/test/unit_test.hpp>

#include "common/limits.hpp"
#include "peer/batch_format.hpp"
#include "peer/batching_transport.hpp"
#include "peer/fan_out.hpp"
#include "peer/memory_transport.hpp"
#include "test_support.hpp"

using namespace sysdist;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {
// Node 0 calls node 1 through a BatchingTransport. Node 1 echoes "target body" after
// `service_time`, answering 404 for /missing; `deliveries` counts the messages that
// actually crossed the network (a batch counts once).
struct Batching {
  asio::io_context io;
  Metrics metrics;
  MemoryNetwork network{io.get_executor(), 2};
  std::unique_ptr<Transport> transport;
  std::size_t deliveries = 0;
  std::chrono::milliseconds service_time = 5ms;

  explicit Batching(std::size_t direct_in_flight) {
    transport = make_batching_transport(network.transport_for(0), direct_in_flight, metrics);
    PeerHandler echo = [this](PeerRequest request) -> asio::awaitable<PeerReply> {
      asio::steady_timer wait(co_await asio::this_coro::executor, service_time);
      co_await wait.async_wait(asio::use_awaitable);
      co_return PeerReply{request.target == "/missing" ? 404u : 200u, request.target + " " + request.body};
    };
    auto batches = serve_batches(std::move(echo));
    network.attach(1, [this, batches](PeerRequest request) {
      ++deliveries;
      return batches(std::move(request));
    });
  }

  // `count` concurrent calls to node 1 (target /call/I, body "bI"), each bounded by `timeout`.
  std::vector<PeerResult> call_concurrently(std::size_t count, std::chrono::milliseconds timeout) {
    auto all = [&]() -> asio::awaitable<std::vector<PeerResult>> {
      auto executor = co_await asio::this_coro::executor;
      using Call = decltype(asio::co_spawn(executor, transport->call(1, {}, timeout), asio::deferred));
      std::vector<Call> calls;
      for (std::size_t i = 0; i < count; ++i) {
        PeerRequest request{"POST", i == 3 ? "/missing" : "/call/" + std::to_string(i), "b" + std::to_string(i)};
        calls.push_back(asio::co_spawn(executor, transport->call(1, std::move(request), timeout), asio::deferred));
      }
      auto [order, failures, results] = co_await asio::experimental::make_parallel_group(std::move(calls))
                                            .async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
      co_return std::move(results);
    };
    return test::run(io, all());
  }
};
}  // namespace

BOOST_AUTO_TEST_SUITE(batching)

BOOST_AUTO_TEST_CASE(format_round_trips_bodies_with_newlines_spaces_and_nothing) {
  std::vector<PeerRequest> requests{{"POST", "/raft/append", "{\"a\": 1}\n2 3\n"}, {"GET", "/2pc/state/x%20y", ""}};
  auto decoded = decode_requests(encode_requests(requests));
  BOOST_REQUIRE(decoded.has_value());
  BOOST_REQUIRE(decoded->size() == 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    BOOST_TEST((*decoded)[i].method == requests[i].method);
    BOOST_TEST((*decoded)[i].target == requests[i].target);
    BOOST_TEST((*decoded)[i].body == requests[i].body);
  }
  std::vector<PeerReply> replies{{201, "x\ny 5\n"}, {503, ""}};
  auto back = decode_replies(encode_replies(replies));
  BOOST_REQUIRE(back.has_value());
  BOOST_REQUIRE(back->size() == 2u);
  BOOST_TEST((*back)[0].status == 201u);
  BOOST_TEST((*back)[0].body == "x\ny 5\n");
  BOOST_TEST((*back)[1].status == 503u);
  BOOST_TEST((*back)[1].body.empty());
}

BOOST_AUTO_TEST_CASE(format_refuses_malformed_batches) {
  BOOST_TEST(!decode_requests("POST /x 10\nshort").has_value());     // body shorter than its length
  BOOST_TEST(!decode_requests("POST /x ten\n").has_value());         // length not a number
  BOOST_TEST(!decode_requests("POST x 0\n").has_value());            // target not a path
  BOOST_TEST(!decode_requests("POST /x 0").has_value());             // no end of header
  BOOST_TEST(!decode_requests("/x 0\n").has_value());                // no method
  BOOST_TEST(!decode_replies("200 1\n").has_value());                // missing body byte
  BOOST_TEST(!decode_replies("99 0\n").has_value());                 // not an HTTP status
  BOOST_TEST(!decode_replies("200 -1\n").has_value());               // negative length
  std::vector<PeerRequest> too_many(limits::max_batch_calls + 1, PeerRequest{"GET", "/x", ""});
  BOOST_TEST(!decode_requests(encode_requests(too_many)).has_value());
  BOOST_TEST(decode_requests("").value().empty());  // an empty batch is well formed
}

BOOST_AUTO_TEST_CASE(calls_beyond_the_direct_limit_share_batches_and_get_their_own_replies) {
  Batching b(2);
  auto results = b.call_concurrently(30, 2s);
  BOOST_REQUIRE(results.size() == 30u);
  for (std::size_t i = 0; i < results.size(); ++i) {
    BOOST_TEST_REQUIRE(results[i].answered());
    const auto target = i == 3 ? std::string("/missing") : "/call/" + std::to_string(i);
    BOOST_TEST(results[i].reply.status == (i == 3 ? 404u : 200u));
    BOOST_TEST(results[i].reply.body == target + " b" + std::to_string(i));
  }
  BOOST_TEST(b.deliveries < 10u, b.deliveries << " messages for 30 calls");
  BOOST_TEST(b.metrics.render().find("sysdist_peer_batches_total") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(more_calls_than_one_batch_holds_leave_in_several) {
  Batching b(1);
  b.service_time = 300ms;  // one batch after another would take 600 ms and more
  auto results = b.call_concurrently(limits::max_batch_calls * 2 + 11, 500ms);
  for (const auto& r : results) BOOST_TEST(r.answered(), r.error.message());
  BOOST_TEST(b.deliveries == 4u);  // one alone, then 64 + 64 + 10 at once
}

BOOST_AUTO_TEST_CASE(without_batching_every_call_goes_alone) {
  Batching b(0);
  auto results = b.call_concurrently(12, 2s);
  for (const auto& r : results) BOOST_TEST(r.answered());
  BOOST_TEST(b.deliveries == 12u);
}

BOOST_AUTO_TEST_CASE(waiting_calls_leave_without_waiting_for_a_slow_call) {
  Batching b(1);
  b.service_time = 300ms;  // the one direct call holds the peer; the rest leave on the next turn of the event loop
  auto results = b.call_concurrently(4, 500ms);  // waiting for the direct call would take 600 ms
  for (const auto& r : results) BOOST_TEST(r.answered(), r.error.message());
  BOOST_TEST(b.deliveries == 2u);  // the direct call and one batch of three, in parallel
}

BOOST_AUTO_TEST_CASE(a_batched_call_times_out_at_its_own_deadline) {
  Batching b(1);
  b.service_time = 300ms;
  const auto start = std::chrono::steady_clock::now();
  auto results = b.call_concurrently(4, 100ms);
  BOOST_TEST((std::chrono::steady_clock::now() - start < 250ms));
  for (const auto& r : results) BOOST_TEST((r.error == asio::error::timed_out), r.error.message());
}

BOOST_AUTO_TEST_CASE(a_cut_off_peer_times_out_every_batched_call) {
  Batching b(1);
  b.network.cut(0, 1);
  auto results = b.call_concurrently(6, 150ms);
  for (const auto& r : results) BOOST_TEST(!r.answered());
}

BOOST_AUTO_TEST_CASE(a_batch_cannot_nest_and_must_be_well_formed) {
  asio::io_context io;
  std::size_t handled = 0;
  auto handler = serve_batches([&](PeerRequest) -> asio::awaitable<PeerReply> {
    ++handled;
    co_return PeerReply{200, "ok"};
  });
  auto nested = encode_requests({{"POST", "/x", ""}, {"POST", std::string(batch_target), ""}});
  BOOST_TEST(test::run(io, handler({"POST", std::string(batch_target), nested})).status == 400u);
  BOOST_TEST(test::run(io, handler({"POST", std::string(batch_target), "garbage"})).status == 400u);
  BOOST_TEST(test::run(io, handler({"POST", std::string(batch_target), ""}), std::chrono::seconds(2)).status == 400u);
  BOOST_TEST(test::run(io, handler({"GET", std::string(batch_target), ""})).status == 405u);
  BOOST_TEST(handled == 0u);  // nothing in a refused batch ran
  auto reply = test::run(io, handler({"POST", std::string(batch_target), encode_requests({{"GET", "/a", ""}})}));
  BOOST_TEST(reply.status == 200u);
  BOOST_TEST(handled == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
