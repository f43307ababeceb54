#include "modes/ap/version.hpp"

#include <boost/json.hpp>

namespace sysdist::ap {

Version HybridClock::next(std::uint64_t now_ms) {
  if (now_ms > wall_ms_) {
    wall_ms_ = now_ms;
    logical_ = 0;
  } else {
    ++logical_;
  }
  return Version{wall_ms_, logical_, node_};
}

void HybridClock::observe(const Version& seen) {
  if (seen.wall_ms > wall_ms_ || (seen.wall_ms == wall_ms_ && seen.logical > logical_)) {
    wall_ms_ = seen.wall_ms;
    logical_ = seen.logical;
  }
}

std::string encode(const Record& record) {
  boost::json::object o;
  if (record.value)
    o["val"] = *record.value;
  else
    o["val"] = nullptr;
  o["ts"] = record.version.wall_ms;
  o["logical"] = record.version.logical;
  o["node"] = record.version.node;
  return boost::json::serialize(o);
}

std::optional<Record> decode(std::string_view text) {
  boost::system::error_code ec;
  auto json = boost::json::parse(text, ec);
  if (ec || !json.is_object()) return std::nullopt;
  const auto& o = json.as_object();
  auto number = [&](const char* name) -> std::optional<std::uint64_t> {
    auto* v = o.if_contains(name);
    if (!v) return 0;  // "logical" and "node" may be absent (the original's repair sends "ts" only)
    if (auto* u = v->if_uint64()) return *u;
    if (auto* i = v->if_int64(); i && *i >= 0) return static_cast<std::uint64_t>(*i);
    if (auto* d = v->if_double(); d && *d >= 0) return static_cast<std::uint64_t>(*d);
    return std::nullopt;
  };
  auto* val = o.if_contains("val");
  auto ts = number("ts"), logical = number("logical"), node = number("node");
  if (!val || !o.contains("ts") || !ts || !logical || !node || (!val->is_string() && !val->is_null()))
    return std::nullopt;
  Record r;
  if (val->is_string()) r.value = std::string(val->as_string());
  r.version = Version{*ts, static_cast<std::uint32_t>(*logical), static_cast<std::uint32_t>(*node)};
  return r;
}

}  // namespace sysdist::ap
