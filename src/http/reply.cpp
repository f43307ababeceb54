#include "http/reply.hpp"

#include <boost/json.hpp>

#include "common/error_shape.hpp"

namespace sysdist {

HttpResponse error_response(unsigned status, std::string_view code, std::string_view message) {
  return {status, error_body(code, message)};
}

HttpResponse reply_for(const Result& result, unsigned success_status, std::string_view key) {
  switch (result.outcome) {
    case Outcome::applied: {
      if (!result.value) return {success_status, ""};
      boost::json::object body;
      body["key"] = key;
      body["val"] = *result.value;
      return {success_status, boost::json::serialize(body)};
    }
    case Outcome::not_found:
      return error_response(404, "not_found", "Value for key " + std::string(key) + " not present");
    case Outcome::invalid:
      return error_response(result.code == "value_too_long" ? 413 : 400, result.code, result.message);
    case Outcome::rejected:
      return error_response(422, result.code, result.message);
    case Outcome::unavailable:
      return error_response(503, result.code, result.message);
    case Outcome::precondition_failed:
      return error_response(412, result.code, result.message);
    case Outcome::unknown:
      return error_response(504, result.code, result.message);
  }
  return error_response(500, "internal", "unhandled outcome");
}

}  // namespace sysdist
