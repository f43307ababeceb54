// The load generator's response parser (tools/bench/response_reader.hpp): whole responses
// only, by Content-Length or chunked, keep-alive as HTTP/1.x says, bad heads refused.
#include <boost/test/unit_test.hpp>

#include "tools/bench/response_reader.hpp"

using namespace sysdist::bench;

BOOST_AUTO_TEST_SUITE(response_reader)

BOOST_AUTO_TEST_CASE(a_response_is_whole_only_when_its_body_is) {
  const std::string created = "HTTP/1.1 201 Created\r\nX-Sys-Id: 3001\r\nContent-Length: 0\r\n\r\n";
  const std::string found = "HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello";
  const std::string both = created + found;
  for (std::size_t cut = 0; cut < created.size(); ++cut) BOOST_TEST(!read_response(both.substr(0, cut)));
  auto first = read_response(both);
  BOOST_REQUIRE(first);
  BOOST_TEST(first->status == 201);
  BOOST_TEST(first->size == created.size());
  BOOST_TEST(first->keep_alive);
  BOOST_TEST(!read_response(std::string_view(found).substr(0, found.size() - 1)));
  auto second = read_response(std::string_view(both).substr(first->size));
  BOOST_REQUIRE(second);
  BOOST_TEST(second->status == 200);
  BOOST_TEST(second->size == found.size());
}

BOOST_AUTO_TEST_CASE(chunked_bodies_and_connection_close) {
  const std::string chunked =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n3\r\nabc\r\n0\r\n\r\n";
  for (std::size_t cut = 0; cut < chunked.size(); ++cut) BOOST_TEST(!read_response(chunked.substr(0, cut)), cut);
  auto r = read_response(chunked + "EXTRA");
  BOOST_REQUIRE(r);
  BOOST_TEST(r->size == chunked.size());
  BOOST_TEST(!r->keep_alive);
  auto old = read_response("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n");
  BOOST_REQUIRE(old);
  BOOST_TEST(!old->keep_alive);
}

BOOST_AUTO_TEST_CASE(malformed_or_endless_heads_are_refused) {
  BOOST_TEST(read_response("SSH-2.0-OpenSSH\r\n\r\n")->status == -1);
  BOOST_TEST(read_response("HTTP/1.1 2x1 Hm\r\n\r\n")->status == -1);
  BOOST_TEST(read_response("HTTP/1.1 200 OK\r\nContent-Length: lots\r\n\r\n")->status == -1);
  BOOST_TEST(read_response(std::string(20000, 'x'))->status == -1);
  BOOST_TEST(!read_response(std::string(100, 'x')));
}

BOOST_AUTO_TEST_SUITE_END()
