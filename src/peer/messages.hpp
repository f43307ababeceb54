// Peer messages: JSON bodies of peer routes, as described structs (BOOST_DESCRIBE_STRUCT).
// parse_message() turns malformed JSON or a wrong shape into an error value, never an
// exception; fields named in `optional_fields` may be absent (they read as null), so the
// original's hand-written requests (bin/propose.sh) parse too.
#pragma once
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>
#include <boost/system/result.hpp>

#include "common/error_shape.hpp"
#include "peer/transport.hpp"

namespace sysdist {

boost::system::result<boost::json::value> parse_json_object(std::string_view body,
                                                            std::initializer_list<std::string_view> optional_fields);

template <class Message>
boost::system::result<Message> parse_message(std::string_view body,
                                             std::initializer_list<std::string_view> optional_fields = {}) {
  auto json = parse_json_object(body, optional_fields);
  if (!json) return json.error();
  return boost::json::try_value_to<Message>(*json);
}

// A peer message that passed its checks, or why it did not (the message of the 400).
template <class Message>
struct Checked {
  std::optional<Message> message;
  std::string error;
  Checked(Message m) : message(std::move(m)) {}
  static Checked refuse(std::string why) {
    Checked c;
    c.error = std::move(why);
    return c;
  }
  explicit operator bool() const { return message.has_value(); }
  const Message& operator*() const { return *message; }
  const Message* operator->() const { return &*message; }

 private:
  Checked() = default;
};

template <class Message>
std::string to_body(const Message& message) {
  return boost::json::serialize(boost::json::value_from(message));
}

}  // namespace sysdist

namespace sysdist {
PeerReply error_reply(unsigned status, std::string_view code, std::string_view message);
PeerReply json_reply(const boost::json::object& body);  // 200 with the body
// The percent-decoded path segments of an origin-form target; nullopt when malformed.
std::optional<std::vector<std::string>> path_of(std::string_view target);
}  // namespace sysdist
