// The dashboard reads the nodes' event streams (tools/dash/sse_parser.hpp): whole events in
// any split of the bytes, comments and unknown fields ignored, and a node that sends more
// than the limit ends its stream instead of growing the dashboard's memory.
#include <boost/test/unit_test.hpp>

#include "tools/dash/sse_parser.hpp"

using namespace sysdist::dash;

BOOST_AUTO_TEST_SUITE(sse_parser)

BOOST_AUTO_TEST_CASE(events_come_whole_whatever_the_split) {
  const std::string stream =
      "retry: 1000\n\n: a comment\nid: 3.1\nevent: state\ndata: {\"a\":1}\n\nevent: log\r\ndata: x\r\ndata: y\r\n\r\n"
      "nonsense: field\ndata: {}\n\n";
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    SseParser parser(1024);
    auto events = parser.feed(std::string_view(stream).substr(0, cut));
    auto rest = parser.feed(std::string_view(stream).substr(cut));
    events.insert(events.end(), rest.begin(), rest.end());
    BOOST_REQUIRE_EQUAL(events.size(), 3u);
    BOOST_TEST(events[0].id == "3.1");
    BOOST_TEST(events[0].type == "state");
    BOOST_TEST(events[0].data == "{\"a\":1}");
    BOOST_TEST(events[1].type == "log");
    BOOST_TEST(events[1].data == "x\ny");
    BOOST_TEST(events[2].type == "message");
    BOOST_TEST(!parser.failed());
  }
}

BOOST_AUTO_TEST_CASE(a_line_or_an_event_over_the_limit_ends_the_stream) {
  SseParser endless_line(100);
  endless_line.feed(std::string(101, 'x'));
  BOOST_TEST(endless_line.failed());
  SseParser endless_event(100);
  for (int i = 0; i < 20 && !endless_event.failed(); ++i) endless_event.feed("data: 0123456789\n");
  BOOST_TEST(endless_event.failed());
  BOOST_TEST(endless_event.feed("\n").empty());  // nothing more once failed
}

BOOST_AUTO_TEST_SUITE_END()
