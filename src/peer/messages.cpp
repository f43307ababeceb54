#include "peer/messages.hpp"

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
std::string error_body(std::string_view code, std::string_view message) {
  boost::json::object body;
  body["error"] = message;
  body["code"] = code;
  return boost::json::serialize(body);
}
}  // namespace sysdist
