#include "peer/messages.hpp"

#include <boost/url.hpp>

#include "common/checks.hpp"

namespace sysdist {

boost::system::result<boost::json::value> parse_json_object(std::string_view body,
                                                            std::initializer_list<std::string_view> optional_fields) {
  boost::system::error_code ec;
  auto json = boost::json::parse(body, ec);
  if (ec) return ec;
  if (!json.is_object()) return boost::json::error::not_object;
  for (auto field : optional_fields)
    if (!json.as_object().contains(field)) json.as_object()[field] = nullptr;
  return json;
}

}  // namespace sysdist

namespace sysdist {
PeerReply error_reply(unsigned status, std::string_view code, std::string_view message) {
  return {status, error_body(code, message)};
}

PeerReply json_reply(const boost::json::object& body) { return {200, boost::json::serialize(body)}; }

std::optional<std::vector<std::string>> path_of(std::string_view target) {
  auto url = boost::urls::parse_origin_form(target);
  if (!url) return std::nullopt;
  return std::vector<std::string>(url->segments().begin(), url->segments().end());
}

}  // namespace sysdist
