// EventBus: a node's structured events for GET /admin/events (Server-Sent Events): protocol
// steps, peer messages, client requests and a periodic state heartbeat (node/event_stream).
// Nothing is built while nobody listens: emit() takes a function that makes the event and
// calls it only then. Each event is serialized once into its SSE frame
// ("id: INCARNATION.SEQ\nevent: TYPE\ndata: JSON\n\n") and shared by every subscriber.
// Bounded everywhere: at most limits::event_subscribers subscribers, each with a queue of
// at most limits::event_queue_frames / _bytes (a subscriber that falls behind loses its
// queue and is told so: it next gets a `gap` event and a fresh snapshot), and a history of
// the last limits::event_history_frames for Last-Event-ID resumption, kept while someone
// listens and for limits::event_linger after the last one left (a page that reconnects).
// Runs on the node's event-loop thread only.
#pragma once
#include <cstdint>
#include <deque>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include "common/clock.hpp"
#include "common/condition.hpp"

namespace sysdist {

using EventFrame = std::shared_ptr<const std::string>;

// Lets through at most `per_second` a second; the rest are counted.
class RateGate {
 public:
  explicit RateGate(std::size_t per_second) : per_second_(per_second) {}
  bool admit();
  std::uint64_t held() const { return held_; }  // since the start

 private:
  std::size_t per_second_;
  Clock::time_point second_began_{};
  std::size_t admitted_ = 0;
  std::uint64_t held_ = 0;
};

class EventBus {
 public:
  class Subscriber;
  explicit EventBus(std::uint64_t incarnation) : incarnation_(incarnation) {}
  ~EventBus() { close_all(); }
  EventBus(const EventBus&) = delete;
  EventBus& operator=(const EventBus&) = delete;

  // True while a subscriber is open, or one left less than limits::event_linger ago.
  bool listening() const { return subscribers_.size() > 0 || Clock::now() < linger_until_; }
  template <class Make>
  void emit(std::string_view type, Make&& make) {
    if (listening()) publish(type, make());
  }
  void publish(std::string_view type, const boost::json::object& data);

  // A new subscriber, or null when every slot is taken. `last_event_id` (the SSE header)
  // resumes after that event when it is still in the history; otherwise the subscriber
  // starts with a snapshot (and a `gap` event when it asked to resume).
  std::shared_ptr<Subscriber> subscribe(std::string_view last_event_id);
  std::size_t subscribers() const { return subscribers_.size(); }
  // Ends every stream (the node shuts down).
  void close_all();
  // Wakes whoever waits for the first subscriber (the heartbeat loop).
  Condition& changed() { return changed_; }
  // The SSE frame of an event, as subscribers receive it (also for snapshots and gaps).
  EventFrame frame(std::string_view type, const boost::json::object& data);

 private:
  friend class Subscriber;
  void leave(Subscriber* subscriber);

  std::uint64_t incarnation_;
  std::uint64_t next_seq_ = 1;
  std::list<Subscriber*> subscribers_;
  std::deque<std::pair<std::uint64_t, EventFrame>> history_;  // (seq, frame), oldest first
  std::size_t history_bytes_ = 0;
  Clock::time_point linger_until_{};
  Condition changed_;
};

class EventBus::Subscriber {
 public:
  Subscriber(EventBus& bus, bool needs_snapshot) : bus_(&bus), needs_snapshot_(needs_snapshot) {}
  ~Subscriber();
  Subscriber(const Subscriber&) = delete;
  Subscriber& operator=(const Subscriber&) = delete;

  // Waits until frames are queued, the stream must start over (gap) or the bus closed.
  boost::asio::awaitable<void> wait(Clock::time_point deadline);
  // Takes what is queued. When the subscriber starts or fell behind, `snapshot` is true:
  // the caller sends a fresh snapshot before the frames (which follow it).
  struct Batch {
    bool gap = false, snapshot = false, closed = false;
    std::deque<EventFrame> frames;
  };
  Batch take();

 private:
  friend class EventBus;
  void push(const EventFrame& frame);

  EventBus* bus_;  // null once the bus closed
  bool needs_snapshot_, gap_ = false;
  std::deque<EventFrame> queue_;
  std::size_t queued_bytes_ = 0;
  Condition ready_;
};

}  // namespace sysdist
