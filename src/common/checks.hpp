// Input checks shared by every route: key and value rules of SPEC section 2.
// Pure functions; a failed check returns the Result to send, nothing else changes.
#pragma once
#include <optional>
#include <string_view>

#include "common/outcome.hpp"

namespace sysdist {

bool is_valid_utf8(std::string_view text);

// nullopt when the key is acceptable: non-empty, at most 1 KiB, valid UTF-8.
std::optional<Result> check_key(std::string_view key);
// nullopt when the value is acceptable: at most 1 MiB, valid UTF-8.
std::optional<Result> check_value(std::string_view value);

}  // namespace sysdist
