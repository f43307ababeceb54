#include "common/checks.hpp"

#include <string>

#include "common/limits.hpp"

namespace sysdist {

namespace {
// Length of the valid UTF-8 sequence at text[i], 0 when it is not one.
std::size_t utf8_length_at(std::string_view text, std::size_t i) {
  const auto c = static_cast<unsigned char>(text[i]);
  const std::size_t length = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
  if (length == 0 || i + length > text.size()) return 0;
  return is_valid_utf8(text.substr(i, length)) ? length : 0;
}
void append_hex(std::string& out, const char* prefix, unsigned value, int digits) {
  static constexpr char hex[] = "0123456789abcdef";
  out += prefix;
  for (int shift = 4 * (digits - 1); shift >= 0; shift -= 4) out += hex[(value >> shift) & 0xF];
}
}  // namespace

std::string escaped(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    const auto length = utf8_length_at(text, i);
    if (length == 0 || c < 0x20 || c == 0x7F) {
      append_hex(out, "\\x", c, 2);
      ++i;
    } else if (length == 2 && c == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0) {
      append_hex(out, "\\u00", static_cast<unsigned char>(text[i + 1]), 2);  // C1 controls U+0080..U+009F
      i += 2;
    } else {
      out.append(text.substr(i, length));
      i += length;
    }
  }
  return out;
}

bool is_valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t extra = 0;
    char32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if ((c & 0xE0) == 0xC0) {
      extra = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3;
      cp = c & 0x07;
    } else
      return false;
    if (i + extra >= text.size()) return false;  // truncated sequence
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Reject overlong forms, surrogates and code points past U+10FFFF.
    static constexpr char32_t min_for_length[] = {0, 0x80, 0x800, 0x10000};
    if (cp < min_for_length[extra] || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return false;
    i += extra + 1;
  }
  return true;
}

std::optional<Result> check_key(std::string_view key) {
  if (key.empty()) return Result::fail(Outcome::invalid, "empty_key", "Key must not be empty");
  if (key.size() > limits::max_key_bytes)
    return Result::fail(
        Outcome::invalid, "key_too_long",
        "Key is " + std::to_string(key.size()) + " bytes; the limit is " + std::to_string(limits::max_key_bytes));
  if (!is_valid_utf8(key)) return Result::fail(Outcome::invalid, "invalid_utf8", "Key is not valid UTF-8");
  return std::nullopt;
}

std::optional<Result> check_value(std::string_view value) {
  if (value.size() > limits::max_value_bytes)
    return Result::fail(
        Outcome::invalid, "value_too_long",
        "Value is " + std::to_string(value.size()) + " bytes; the limit is " + std::to_string(limits::max_value_bytes));
  if (!is_valid_utf8(value)) return Result::fail(Outcome::invalid, "invalid_utf8", "Value is not valid UTF-8");
  return std::nullopt;
}

}  // namespace sysdist
