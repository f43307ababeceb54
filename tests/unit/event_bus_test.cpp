// The event bus behind /admin/events (common/event_bus.hpp): nothing is built while nobody
// listens, a subscriber that falls behind is told (gap) and starts over instead of holding
// more, Last-Event-ID resumes from the history, and the subscriber slots are bounded.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/object.hpp>
#include <boost/test/unit_test.hpp>

#include "common/event_bus.hpp"
#include "common/limits.hpp"

using namespace sysdist;

BOOST_AUTO_TEST_SUITE(event_bus)

namespace {
std::string id_of(const EventFrame& frame) { return frame->substr(4, frame->find('\n') - 4); }
}  // namespace

BOOST_AUTO_TEST_CASE(nothing_is_built_while_nobody_listens) {
  VirtualTime time;
  EventBus bus(7);
  int built = 0;
  auto make = [&] {
    ++built;
    return boost::json::object{{"n", built}};
  };
  bus.emit("step", make);
  BOOST_TEST(built == 0);
  auto subscriber = bus.subscribe("");
  bus.emit("step", make);
  BOOST_TEST(built == 1);
  auto batch = subscriber->take();
  BOOST_TEST(batch.snapshot);  // a new subscriber starts from a snapshot
  BOOST_TEST(!batch.gap);
  BOOST_REQUIRE_EQUAL(batch.frames.size(), 1u);
  BOOST_TEST(*batch.frames[0] == "id: 7.1\nevent: step\ndata: {\"n\":1}\n\n");
  subscriber.reset();
  bus.emit("step", make);  // the last one left a moment ago: kept for a page that reconnects
  BOOST_TEST(built == 2);
  time.advance_to(time.now() + limits::event_linger + std::chrono::seconds(1));
  bus.emit("step", make);
  BOOST_TEST(built == 2);
}

BOOST_AUTO_TEST_CASE(a_subscriber_that_falls_behind_gets_a_gap_and_holds_no_more) {
  VirtualTime time;
  EventBus bus(1);
  auto slow = bus.subscribe("");
  auto fast = bus.subscribe("");
  slow->take();
  fast->take();
  for (std::size_t i = 0; i < limits::event_queue_frames + 10; ++i) {
    bus.publish("step", {{"i", i}});
    if (i % 100 == 0) fast->take();
  }
  auto behind = slow->take();
  BOOST_TEST(behind.gap);
  BOOST_TEST(behind.snapshot);
  BOOST_TEST(behind.frames.size() < 20u);  // only what came after it was dropped
  auto kept_up = fast->take();
  BOOST_TEST(!kept_up.gap);
}

BOOST_AUTO_TEST_CASE(last_event_id_resumes_after_the_event_the_page_saw) {
  VirtualTime time;
  EventBus bus(3);
  auto first = bus.subscribe("");
  for (int i = 0; i < 5; ++i) bus.publish("step", {{"i", i}});
  auto seen = first->take().frames;
  first.reset();
  bus.publish("step", {{"i", 5}});
  auto resumed = bus.subscribe(id_of(seen[2]));  // it saw 3.1 .. 3.3
  auto batch = resumed->take();
  BOOST_TEST(!batch.snapshot);
  BOOST_TEST(!batch.gap);
  BOOST_REQUIRE_EQUAL(batch.frames.size(), 3u);
  BOOST_TEST(id_of(batch.frames[0]) == "3.4");
  BOOST_TEST(id_of(batch.frames[2]) == "3.6");
  // An id of another incarnation (the node restarted) or garbage starts over, with a gap.
  for (auto id : {"2.4", "3.x", "99999999999999999999999.1", "3.999"}) {
    auto other = bus.subscribe(id);
    auto start = other->take();
    BOOST_TEST(start.snapshot, id);
    BOOST_TEST(start.gap, id);
  }
}

BOOST_AUTO_TEST_CASE(subscriber_slots_are_bounded_and_closing_ends_every_stream) {
  VirtualTime time;
  boost::asio::io_context io;
  EventBus bus(1);
  std::vector<std::shared_ptr<EventBus::Subscriber>> open;
  for (std::size_t i = 0; i < limits::event_subscribers; ++i) open.push_back(bus.subscribe(""));
  BOOST_TEST(!bus.subscribe(""));
  for (auto& s : open) s->take();
  bool woke = false;
  auto waiter = open[0];
  boost::asio::co_spawn(
      io,
      [&]() -> boost::asio::awaitable<void> {
        co_await waiter->wait(Clock::time_point::max());
        woke = true;
      },
      boost::asio::detached);
  io.poll();
  BOOST_TEST(!woke);
  bus.close_all();
  io.poll();
  BOOST_TEST(woke);
  BOOST_TEST(open[0]->take().closed);
  BOOST_TEST(bus.subscribers() == 0u);
  open.clear();  // subscribers outliving the close leave quietly
}

BOOST_AUTO_TEST_SUITE_END()
