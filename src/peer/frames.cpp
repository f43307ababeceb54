#include "peer/frames.hpp"

#include <charconv>

namespace sysdist {

namespace {
std::size_t digits(std::size_t n) {
  std::size_t count = 1;
  while (n >= 10) n /= 10, ++count;
  return count;
}
}  // namespace

void append_frame(std::string& out, std::initializer_list<std::string_view> fields, std::string_view body) {
  for (auto field : fields) out.append(field).append(" ");
  out.append(std::to_string(body.size())).append("\n").append(body);
}

std::size_t frame_size(std::initializer_list<std::string_view> fields, std::size_t body_bytes) {
  std::size_t size = digits(body_bytes) + 1 + body_bytes;
  for (auto field : fields) size += field.size() + 1;
  return size;
}

bool parse_number(std::string_view text, std::uint64_t& number, std::uint64_t max) {
  if (text.size() > 1 && text[0] == '0') return false;  // one spelling per number: frames re-encode byte for byte
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty() && number <= max;
}

bool next_frame(std::string_view& text, std::vector<std::string_view>& fields, std::string_view& body) {
  const auto newline = text.find('\n');
  if (newline == std::string_view::npos) return false;
  std::string_view header = text.substr(0, newline);
  fields.clear();
  for (;;) {  // words separated by single spaces: no empty word, so a frame has one spelling
    const auto space = header.find(' ');
    fields.push_back(header.substr(0, space));
    if (fields.back().empty()) return false;
    if (space == std::string_view::npos) break;
    header.remove_prefix(space + 1);
  }
  std::uint64_t length = 0;
  if (!parse_number(fields.back(), length)) return false;
  fields.pop_back();
  text.remove_prefix(newline + 1);
  if (length > text.size()) return false;
  body = text.substr(0, length);
  text.remove_prefix(length);
  return true;
}

}  // namespace sysdist
