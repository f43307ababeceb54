// SseParser: reads a Server-Sent Events stream (the nodes' /admin/events) as bytes arrive,
// in any split, and yields whole events (id, event type, data). A node is input like any
// other: a line or an event over the limit ends the stream (the feed reconnects) instead of
// growing without bound.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sysdist::dash {

struct SseEvent {
  std::string id;  // empty when the event had none
  std::string type = "message";
  std::string data;
};

class SseParser {
 public:
  explicit SseParser(std::size_t max_event_bytes) : max_event_bytes_(max_event_bytes) {}
  // Appends bytes; returns the events they completed. Sets failed() on input over the limit.
  std::vector<SseEvent> feed(std::string_view bytes);
  bool failed() const { return failed_; }

 private:
  void line(std::string_view text, std::vector<SseEvent>& out);

  std::size_t max_event_bytes_;
  std::string partial_;  // an unfinished line
  SseEvent current_;
  bool has_data_ = false, failed_ = false;
};

}  // namespace sysdist::dash
