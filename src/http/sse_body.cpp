#include "http/sse_body.hpp"

#include "common/net.hpp"

namespace sysdist {

namespace {
class SubscriberStream final : public BodyStream {
 public:
  SubscriberStream(std::shared_ptr<EventBus::Subscriber> subscriber, EventBus& bus,
                   std::function<boost::json::object()> snapshot)
      : subscriber_(std::move(subscriber)), bus_(bus), snapshot_(std::move(snapshot)) {}

  asio::awaitable<std::optional<std::string>> next() override {
    co_await subscriber_->wait(Clock::time_point::max());
    auto batch = subscriber_->take();
    if (batch.closed) co_return std::nullopt;
    std::string out;
    if (first_) out = "retry: 1000\n\n";  // EventSource reconnects after a second
    first_ = false;
    if (batch.gap)
      out += *bus_.frame("gap", {{"reason", "this subscriber fell behind or resumed too late: a new snapshot follows"}});
    if (batch.snapshot) out += *bus_.frame("snapshot", snapshot_());
    for (const auto& frame : batch.frames) out += *frame;
    co_return out;
  }

 private:
  std::shared_ptr<EventBus::Subscriber> subscriber_;
  EventBus& bus_;
  std::function<boost::json::object()> snapshot_;
  bool first_ = true;
};
}  // namespace

std::shared_ptr<BodyStream> sse_body(std::shared_ptr<EventBus::Subscriber> subscriber, EventBus& bus,
                                     std::function<boost::json::object()> snapshot) {
  return std::make_shared<SubscriberStream>(std::move(subscriber), bus, std::move(snapshot));
}

}  // namespace sysdist
