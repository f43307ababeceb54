#include "common/error_shape.hpp"

#include <boost/json.hpp>

#include "common/checks.hpp"

namespace sysdist {

std::string error_body(std::string_view code, std::string_view message) {
  boost::json::object body;
  body["error"] = escaped(message);  // messages quote input: keep the JSON valid UTF-8
  body["code"] = code;
  return boost::json::serialize(body);
}

}  // namespace sysdist
