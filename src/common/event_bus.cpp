#include "common/event_bus.hpp"

#include <charconv>

#include <boost/json/serialize.hpp>

#include "common/limits.hpp"

namespace sysdist {

namespace {
// "INCARNATION.SEQ" -> SEQ when it names this incarnation.
std::optional<std::uint64_t> seq_of(std::string_view id, std::uint64_t incarnation) {
  const auto dot = id.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  std::uint64_t inc = 0, seq = 0;
  auto a = std::from_chars(id.data(), id.data() + dot, inc);
  auto b = std::from_chars(id.data() + dot + 1, id.data() + id.size(), seq);
  if (a.ec != std::errc{} || a.ptr != id.data() + dot || b.ec != std::errc{} || b.ptr != id.data() + id.size() ||
      inc != incarnation)
    return std::nullopt;
  return seq;
}
}  // namespace

bool RateGate::admit() {
  const auto now = Clock::now();
  if (now - second_began_ >= std::chrono::seconds(1)) {
    second_began_ = now;
    admitted_ = 0;
  }
  if (admitted_ < per_second_) {
    ++admitted_;
    return true;
  }
  ++held_;
  return false;
}

EventFrame EventBus::frame(std::string_view type, const boost::json::object& data) {
  std::string text;
  text.reserve(64);
  text.append("event: ").append(type).append("\ndata: ").append(boost::json::serialize(data)).append("\n\n");
  return std::make_shared<const std::string>(std::move(text));
}

void EventBus::publish(std::string_view type, const boost::json::object& data) {
  const auto seq = next_seq_++;
  std::string text = "id: " + std::to_string(incarnation_) + "." + std::to_string(seq) + "\n";
  text += *frame(type, data);
  auto shared = std::make_shared<const std::string>(std::move(text));
  history_.emplace_back(seq, shared);
  history_bytes_ += shared->size();
  while (history_.size() > limits::event_history_frames || history_bytes_ > limits::event_history_bytes) {
    history_bytes_ -= history_.front().second->size();
    history_.pop_front();
  }
  for (auto* subscriber : subscribers_) subscriber->push(shared);
}

std::shared_ptr<EventBus::Subscriber> EventBus::subscribe(std::string_view last_event_id) {
  if (subscribers_.size() >= limits::event_subscribers) return nullptr;
  const auto after = seq_of(last_event_id, incarnation_);
  // Resumable when the history still holds the event after the one the page last saw.
  const bool resumable = after && *after < next_seq_ &&
                         (*after + 1 == next_seq_ || (!history_.empty() && history_.front().first <= *after + 1));
  auto subscriber = std::make_shared<Subscriber>(*this, !resumable);
  subscriber->gap_ = !last_event_id.empty() && !resumable;
  if (resumable)
    for (const auto& [seq, frame] : history_)
      if (seq > *after) subscriber->push(frame);
  subscribers_.push_back(subscriber.get());
  changed_.notify();
  return subscriber;
}

void EventBus::leave(Subscriber* subscriber) {
  subscribers_.remove(subscriber);
  if (subscribers_.empty()) linger_until_ = Clock::now() + limits::event_linger;
  changed_.notify();
}

void EventBus::close_all() {
  for (auto* subscriber : subscribers_) {
    subscriber->bus_ = nullptr;
    subscriber->ready_.notify();
  }
  subscribers_.clear();
  history_.clear();
  history_bytes_ = 0;
  linger_until_ = {};
  changed_.notify();
}

EventBus::Subscriber::~Subscriber() {
  if (bus_) bus_->leave(this);
}

void EventBus::Subscriber::push(const EventFrame& frame) {
  if (queue_.size() >= limits::event_queue_frames || queued_bytes_ + frame->size() > limits::event_queue_bytes) {
    queue_.clear();  // fell behind: start over with a snapshot rather than hold more
    queued_bytes_ = 0;
    gap_ = needs_snapshot_ = true;
  } else {
    queue_.push_back(frame);
    queued_bytes_ += frame->size();
  }
  ready_.notify();
}

boost::asio::awaitable<void> EventBus::Subscriber::wait(Clock::time_point deadline) {
  std::function<bool()> ready = [this] { return !bus_ || needs_snapshot_ || !queue_.empty(); };  // named: g++ 12 bug 1
  co_await ready_.wait_until(std::move(ready), deadline);
}

EventBus::Subscriber::Batch EventBus::Subscriber::take() {
  Batch batch{gap_, needs_snapshot_, bus_ == nullptr, std::move(queue_)};
  queue_.clear();
  queued_bytes_ = 0;
  gap_ = needs_snapshot_ = false;
  return batch;
}

}  // namespace sysdist
