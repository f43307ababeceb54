// Input checks shared by every route: key and value rules of SPEC section 2.
// Pure functions; a failed check returns the Result to send, nothing else changes.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "common/outcome.hpp"

namespace sysdist {

bool is_valid_utf8(std::string_view text);

// Text as a console or log may show it: control characters (C0, DEL, C1) and bytes that are
// not UTF-8 become \xNN (C1 as \u0080...), so no input can move a cursor or change colours.
std::string escaped(std::string_view text);

// nullopt when the key is acceptable: non-empty, at most 1 KiB, valid UTF-8.
std::optional<Result> check_key(std::string_view key);
// nullopt when the value is acceptable: at most 1 MiB, valid UTF-8.
std::optional<Result> check_value(std::string_view value);

}  // namespace sysdist
