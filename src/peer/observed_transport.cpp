#include "peer/observed_transport.hpp"

#include <cmath>

#include <boost/json/object.hpp>

#include "common/net.hpp"

namespace sysdist {

namespace {
// "/2pc/commit/n1-2-17?x" -> "2pc/commit": the message type, never a key or an id.
std::string type_of(std::string_view target) {
  if (target.starts_with('/')) target.remove_prefix(1);
  target = target.substr(0, target.find('?'));
  const auto first = target.find('/');
  if (first == std::string_view::npos) return std::string(target.substr(0, 32));
  return std::string(target.substr(0, std::min<std::size_t>(target.find('/', first + 1), 32)));
}
}  // namespace

ObservedTransport::ObservedTransport(std::unique_ptr<Transport> inner, EventBus& bus, std::size_t members,
                                     std::size_t self)
    : inner_(std::move(inner)), bus_(bus), self_(self), links_(members) {}

asio::awaitable<PeerResult> ObservedTransport::call(std::size_t peer, PeerRequest request,
                                                     std::chrono::milliseconds timeout) {
  if (!bus_.listening() || peer >= links_.size()) co_return co_await inner_->call(peer, std::move(request), timeout);
  auto& link = links_[peer];
  ++link.sent;
  const bool tell = link.gate.admit();
  const auto id = next_id_++;
  const auto type = type_of(request.target);
  const auto to = static_cast<std::uint64_t>(peer + 1);
  if (tell) {
    ++link.told;
    bus_.publish("msg", {{"id", id}, {"to", to}, {"type", type}, {"phase", "send"}});
  }
  const auto began = Clock::now();
  auto result = co_await inner_->call(peer, std::move(request), timeout);
  result.answered() ? ++link.answered : ++link.failed;
  if (tell && bus_.listening()) {
    const std::chrono::duration<double, std::milli> took = Clock::now() - began;
    boost::json::object event{{"id", id}, {"to", to}, {"type", type}, {"ms", std::round(took.count() * 100) / 100}};
    if (result.answered()) {
      event["phase"] = "reply";
      event["status"] = result.reply.status;
    } else {
      event["phase"] = "failed";
      event["error"] = result.error == beast::error::timeout ? "timeout" : result.error.message();
    }
    bus_.publish("msg", event);
  }
  co_return result;
}

boost::json::array ObservedTransport::take_links() {
  const auto health = inner_->health();
  boost::json::array links;
  for (std::size_t peer = 0; peer < links_.size(); ++peer) {
    if (peer == self_) continue;
    auto& link = links_[peer];
    boost::json::object entry{{"node", peer + 1},   {"sent", link.sent},     {"answered", link.answered},
                              {"failed", link.failed}, {"told", link.told}};
    if (peer < health.size()) entry["last"] = health[peer].last_outcome;
    links.push_back(std::move(entry));
    link.sent = link.answered = link.failed = link.told = 0;
  }
  return links;
}

}  // namespace sysdist
