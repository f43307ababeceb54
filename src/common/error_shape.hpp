// The JSON error shape of every route, client and peer alike:
//   {"error": "<human message>", "code": "<machine code>"}
// The message is escaped (it may quote input), so the body is always valid UTF-8 JSON.
#pragma once
#include <string>
#include <string_view>

namespace sysdist {

std::string error_body(std::string_view code, std::string_view message);

}  // namespace sysdist
