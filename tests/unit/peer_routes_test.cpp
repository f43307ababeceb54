// The peer route table (peer/routes.hpp): what every mode's peer routes share.
#include <boost/test/unit_test.hpp>

#include "peer/routes.hpp"
#include "test_support.hpp"

using namespace sysdist;
namespace asio = boost::asio;

BOOST_AUTO_TEST_SUITE(peer_routes)

BOOST_AUTO_TEST_CASE(a_route_is_found_by_path_and_method_and_gets_its_parameters) {
  PeerRoutes routes;
  std::vector<std::string> seen;
  routes.add("POST", "/2pc/commit/:id", [&](const PeerRequest&, const PeerRoutes::Params& p) -> asio::awaitable<PeerReply> {
    seen = p;
    co_return PeerReply{200, "committed"};
  });
  routes.add("GET", "/2pc/txn/:id", [](const PeerRequest&, const PeerRoutes::Params&) -> asio::awaitable<PeerReply> {
    co_return PeerReply{200, "state"};
  });
  asio::io_context io;
  auto call = [&](std::string method, std::string target) {
    const PeerRequest request{std::move(method), std::move(target), ""};  // named: it outlives the call
    return test::run(io, routes.dispatch(request));
  };
  auto ok = call("POST", "/2pc/commit/a%20b");
  BOOST_TEST(ok.status == 200u);
  BOOST_TEST(ok.body == "committed");
  BOOST_TEST((seen == std::vector<std::string>{"a b"}));  // percent-decoded
  BOOST_TEST(call("GET", "/2pc/commit/x").status == 405u);  // the path exists, not with GET
  BOOST_TEST(call("GET", "/2pc/txn/x").body == "state");
  BOOST_TEST(call("POST", "/2pc/commit").status == 404u);    // one segment short
  BOOST_TEST(call("POST", "/2pc/commit/x/y").status == 404u);
  BOOST_TEST(call("POST", "/2pc/%zz").status == 400u);       // malformed percent-encoding
}

BOOST_AUTO_TEST_SUITE_END()
