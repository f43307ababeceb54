// Condition (common/condition.hpp): notify() resumes the waiters whose predicate now holds,
// and only those: a Raft leader's many waiting writes are not all woken at every commit.
#include <functional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/test/unit_test.hpp>

#include "common/condition.hpp"

using namespace sysdist;
namespace asio = boost::asio;

BOOST_AUTO_TEST_SUITE(condition)

BOOST_AUTO_TEST_CASE(a_notify_resumes_only_the_waiters_whose_predicate_holds) {
  asio::io_context io;
  Condition changed;
  int a = 0, b = 0;
  bool a_done = false, b_done = false, news = false;
  auto wait = [&](int& value, bool& done) -> asio::awaitable<void> {
    std::function<bool()> positive = [&value] { return value > 0; };
    co_await changed.wait_until(std::move(positive));
    done = true;
  };
  asio::co_spawn(io, wait(a, a_done), asio::detached);
  asio::co_spawn(io, wait(b, b_done), asio::detached);
  io.poll();
  BOOST_TEST((!a_done && !b_done));
  for (int i = 0; i < 10; ++i) {
    changed.notify();
    BOOST_TEST(io.poll() == 0u);  // nothing holds: no waiter runs at all
  }
  a = 1;
  changed.notify();
  io.poll();
  BOOST_TEST(a_done);
  BOOST_TEST(!b_done);
  // wait_for_news holds at the next notify, whatever changed.
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> {
        co_await changed.wait_for_news(Clock::time_point::max());
        news = true;
      },
      asio::detached);
  io.poll();
  BOOST_TEST(!news);
  changed.notify();
  io.poll();
  BOOST_TEST(news);
  BOOST_TEST(!b_done);
  b = 1;
  changed.notify();
  io.poll();
  BOOST_TEST(b_done);
}

BOOST_AUTO_TEST_SUITE_END()
