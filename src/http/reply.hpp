// HttpRequest/HttpResponse: the router's view of HTTP, free of Beast (the server converts).
// reply_for(): the ONE mapping from protocol outcomes to HTTP statuses (SPEC section 2):
//   applied -> success status of the route, not_found -> 404, invalid -> 400 (413 when a
//   value is too long), rejected -> 422, precondition_failed -> 412, unavailable -> 503,
//   unknown -> 504.
#pragma once
#include <string>

#include "common/outcome.hpp"

namespace sysdist {

struct HttpRequest {
  std::string method;
  std::string target;
  std::string body;
  std::string secret;  // the X-Sys-Secret header
};

struct HttpResponse {
  unsigned status = 200;
  std::string body;
  std::string content_type = "application/json";
};

HttpResponse error_response(unsigned status, std::string_view code, std::string_view message);
HttpResponse reply_for(const Result& result, unsigned success_status, std::string_view key);

}  // namespace sysdist
