#include "node/data_dir.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

namespace sysdist {

namespace {
constexpr std::string_view identity_key = "node/identity";

// "MODE member-index host:port,host:port,...": one line a human can read back.
std::string identity_of(const Config& config) {
  std::string members;
  for (const auto& m : config.membership.members) members += (members.empty() ? "" : ",") + m.address();
  return config.mode + " " + std::to_string(config.membership.self + 1) + " " + members;
}

std::string describe(const std::string& identity) {
  const auto first = identity.find(' '), second = identity.find(' ', first + 1);
  if (first == std::string::npos || second == std::string::npos) return "'" + identity + "'";
  const auto mode = identity.substr(0, first);
  return (mode == "AP" ? "an " : "a ") + mode + " node (node " + identity.substr(first + 1, second - first - 1) +
         " of " + identity.substr(second + 1) + ")";
}
}  // namespace

std::optional<std::string> claim_data_dir(boost::asio::io_context& io, Store& store, const Config& config) {
  const auto mine = identity_of(config);
  if (auto recorded = store.get(Keyspace::meta, identity_key)) {
    if (*recorded == mine) return std::nullopt;
    return "data dir " + config.data_dir + " holds " + describe(*recorded) + ", but this is " + describe(mine) +
           ". Start it as it was created (same --mode, --peers and port), give it another --data-dir "
           "(bin/cluster keeps one per mode: data/MODE/PORT), or delete the dir to start afresh.";
  }
  Batch batch{{Keyspace::meta, std::string(identity_key), mine}};
  boost::asio::co_spawn(io, store.commit(std::move(batch)), boost::asio::detached);
  io.run();
  io.restart();
  return std::nullopt;
}

}  // namespace sysdist
