// Rules of SPEC section 2 on keys and values: non-empty keys up to 1 KiB, values up to
// 1 MiB, UTF-8 only.
#include <boost/test/unit_test.hpp>

#include "common/checks.hpp"
#include "common/limits.hpp"
#include "common/logging.hpp"

using namespace sysdist;

BOOST_AUTO_TEST_SUITE(input_checks)

BOOST_AUTO_TEST_CASE(utf8_accepts_valid_text_and_rejects_malformed_sequences) {
  BOOST_TEST(is_valid_utf8("plain ascii"));
  BOOST_TEST(is_valid_utf8("h\xC3\xA9llo \xE2\x82\xAC \xF0\x9F\x98\x80"));  // é € 😀
  BOOST_TEST(!is_valid_utf8("\xFF"));
  BOOST_TEST(!is_valid_utf8("\xC3"));              // truncated
  BOOST_TEST(!is_valid_utf8("\xC0\xAF"));          // overlong '/'
  BOOST_TEST(!is_valid_utf8("\xED\xA0\x80"));      // surrogate
  BOOST_TEST(!is_valid_utf8("\xF4\x90\x80\x80"));  // past U+10FFFF
  BOOST_TEST(!is_valid_utf8("ok\xE2\x82"));        // truncated at the end
}

BOOST_AUTO_TEST_CASE(key_must_be_non_empty_utf8_up_to_one_kib) {
  BOOST_TEST(!check_key("city").has_value());
  BOOST_TEST(!check_key(std::string(limits::max_key_bytes, 'k')).has_value());
  BOOST_TEST(check_key("")->code == "empty_key");
  BOOST_TEST(check_key(std::string(limits::max_key_bytes + 1, 'k'))->code == "key_too_long");
  BOOST_TEST(check_key("\xFF")->code == "invalid_utf8");
  BOOST_TEST((check_key("")->outcome == Outcome::invalid));
}

BOOST_AUTO_TEST_CASE(value_may_be_empty_and_up_to_one_mib) {
  BOOST_TEST(!check_value("").has_value());
  BOOST_TEST(!check_value(std::string(limits::max_value_bytes, 'v')).has_value());
  BOOST_TEST(check_value(std::string(limits::max_value_bytes + 1, 'v'))->code == "value_too_long");
  BOOST_TEST(check_value("a\xFF")->code == "invalid_utf8");
}

BOOST_AUTO_TEST_CASE(console_text_shows_control_characters_escaped) {
  BOOST_TEST(escaped("Rome") == "Rome");
  BOOST_TEST(escaped("caf\xc3\xa9 \xf0\x9f\x98\x80") == "caf\xc3\xa9 \xf0\x9f\x98\x80");  // UTF-8 stays
  BOOST_TEST(escaped("\x1b[2J\x07\n\x7f") == "\\x1b[2J\\x07\\x0a\\x7f");
  BOOST_TEST(escaped("\xc2\x9b" "31m") == "\\u009b31m");  // C1 CSI
  BOOST_TEST(escaped("\xff\xc3") == "\\xff\\xc3");      // not UTF-8
  BOOST_TEST(preview(std::string(100, '\x1b')).find('\x1b') == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
