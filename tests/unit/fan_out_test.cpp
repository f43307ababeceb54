// Fan-out over the in-memory network: replies come back in peer order, a dead peer fails
// at once, a cut-off peer times out at the deadline, and a decisive reply cancels the rest.
#include "peer/fan_out.hpp"

#include <boost/test/unit_test.hpp>

#include "peer/memory_transport.hpp"
#include "test_support.hpp"

using namespace sysdist;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {
struct Network {
  asio::io_context io;
  MemoryNetwork network{io.get_executor(), 4};
  std::unique_ptr<Transport> from_zero = network.transport_for(0);

  Network() {
    for (std::size_t i = 1; i < 4; ++i)
      network.attach(i, [i](PeerRequest request) -> asio::awaitable<PeerReply> {
        co_return PeerReply{request.target == "/no" && i == 2 ? 409u : 200u, "node" + std::to_string(i)};
      });
  }
  std::vector<PeerResult> call(std::string target, std::chrono::milliseconds timeout, DecisiveReply decisive = {}) {
    PeerRequest request{"GET", std::move(target), ""};
    return test::run(io, call_all(*from_zero, {1, 2, 3}, request, timeout, std::move(decisive)));
  }
};
}  // namespace

BOOST_AUTO_TEST_SUITE(fan_out)

BOOST_AUTO_TEST_CASE(every_peer_answers_in_peer_order) {
  Network n;
  auto results = n.call("/x", 1s);
  BOOST_REQUIRE(results.size() == 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    BOOST_TEST(results[i].answered_ok());
    BOOST_TEST(results[i].reply.body == "node" + std::to_string(i + 1));
  }
}

BOOST_AUTO_TEST_CASE(dead_peer_fails_at_once_and_others_still_answer) {
  Network n;
  n.network.crash(2);
  const auto start = std::chrono::steady_clock::now();
  auto results = n.call("/x", 10s);
  BOOST_TEST((std::chrono::steady_clock::now() - start < 5s));  // did not wait for the deadline
  BOOST_TEST(results[0].answered_ok());
  BOOST_TEST(!results[1].answered());
  BOOST_TEST(results[1].error == asio::error::connection_refused);
  BOOST_TEST(results[2].answered_ok());
}

BOOST_AUTO_TEST_CASE(cut_off_peer_times_out_at_the_deadline) {
  Network n;
  n.network.cut(0, 3);
  auto results = n.call("/x", 200ms);
  BOOST_TEST(results[0].answered_ok());
  BOOST_TEST(results[2].error == asio::error::timed_out);
}

BOOST_AUTO_TEST_CASE(decisive_reply_cancels_the_calls_still_running) {
  Network n;
  n.network.cut(0, 3);  // would hang until the 10 s deadline
  const auto start = std::chrono::steady_clock::now();
  auto results = n.call("/no", 10s, [](const PeerResult& r) { return r.answered() && r.reply.status == 409; });
  BOOST_TEST((std::chrono::steady_clock::now() - start < 5s));
  BOOST_TEST(results[1].reply.status == 409u);
  BOOST_TEST(results[2].error == asio::error::operation_aborted);
}

BOOST_AUTO_TEST_CASE(quorum_completes_at_k_successes_and_cancels_the_rest) {
  Network n;
  n.network.cut(0, 3);  // would hang until the 10 s deadline
  PeerRequest request{"GET", "/x", ""};
  const auto start = std::chrono::steady_clock::now();
  auto results = test::run(n.io, call_quorum(*n.from_zero, {1, 2, 3}, request, 10s, 2));
  BOOST_TEST((std::chrono::steady_clock::now() - start < 5s));
  BOOST_TEST(results[0].answered_ok());
  BOOST_TEST(results[1].answered_ok());
  BOOST_TEST(results[2].error == asio::error::operation_aborted);
}

BOOST_AUTO_TEST_CASE(quorum_not_met_returns_after_the_deadline_with_what_answered) {
  Network n;
  n.network.cut(0, 2);
  n.network.cut(0, 3);
  PeerRequest request{"GET", "/x", ""};
  auto results = test::run(n.io, call_quorum(*n.from_zero, {1, 2, 3}, request, 200ms, 2));
  BOOST_TEST(results[0].answered_ok());
  BOOST_TEST(results[1].error == asio::error::timed_out);
  BOOST_TEST(results[2].error == asio::error::timed_out);
}

BOOST_AUTO_TEST_CASE(reply_lost_when_the_link_is_cut_while_the_peer_works) {
  Network n;
  n.network.set_delay(100ms);
  asio::steady_timer cut_soon(n.io, 30ms);
  cut_soon.async_wait([&](auto) { n.network.cut(0, 1); });
  auto results = n.call("/x", 400ms);
  BOOST_TEST(results[0].error == asio::error::timed_out);
  BOOST_TEST(results[1].answered_ok());
}

BOOST_AUTO_TEST_SUITE_END()
