#include "tools/dash/sse_parser.hpp"

namespace sysdist::dash {

std::vector<SseEvent> SseParser::feed(std::string_view bytes) {
  std::vector<SseEvent> out;
  while (!failed_ && !bytes.empty()) {
    const auto end = bytes.find('\n');
    if (end == std::string_view::npos) {
      partial_.append(bytes);
      failed_ = partial_.size() > max_event_bytes_;
      break;
    }
    partial_.append(bytes.substr(0, end));
    bytes.remove_prefix(end + 1);
    if (!partial_.empty() && partial_.back() == '\r') partial_.pop_back();
    line(partial_, out);
    partial_.clear();
  }
  return out;
}

// One line of the stream (HTML Living Standard, "Interpreting an event stream").
void SseParser::line(std::string_view text, std::vector<SseEvent>& out) {
  if (text.empty()) {  // dispatch
    if (has_data_) out.push_back(std::move(current_));
    current_ = SseEvent{};
    has_data_ = false;
    return;
  }
  if (text.front() == ':') return;  // a comment
  const auto colon = text.find(':');
  auto field = text.substr(0, colon);
  auto value = colon == std::string_view::npos ? std::string_view() : text.substr(colon + 1);
  if (value.starts_with(' ')) value.remove_prefix(1);
  if (field == "data") {
    if (has_data_) current_.data += '\n';
    current_.data.append(value);
    has_data_ = true;
  } else if (field == "event") {
    current_.type = std::string(value);
  } else if (field == "id") {
    current_.id = std::string(value);
  }
  if (current_.data.size() + current_.type.size() + current_.id.size() > max_event_bytes_) failed_ = true;
}

}  // namespace sysdist::dash
