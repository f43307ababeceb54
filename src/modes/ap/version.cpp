#include "modes/ap/version.hpp"

#include <cmath>

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

boost::json::object to_object(const Record& record) {
  boost::json::object o;
  if (record.value)
    o["val"] = *record.value;
  else
    o["val"] = nullptr;
  o["ts"] = record.version.wall_ms;
  o["logical"] = record.version.logical;
  o["node"] = record.version.node;
  return o;
}

std::string encode(const Record& record) { return boost::json::serialize(to_object(record)); }

std::optional<Record> decode(std::string_view text) {
  boost::system::error_code ec;
  auto json = boost::json::parse(text, ec);
  if (ec || !json.is_object()) return std::nullopt;
  return record_from(json.as_object());
}

std::optional<Record> record_from(const boost::json::object& o) {
  // A whole number up to `max`; a double only when it is one exactly (no conversion of 1e300).
  auto number = [&](const char* name, std::uint64_t max) -> std::optional<std::uint64_t> {
    auto* v = o.if_contains(name);
    if (!v) return 0;  // "logical" and "node" may be absent (the original's repair sends "ts" only)
    std::optional<std::uint64_t> n;
    if (auto* u = v->if_uint64()) n = *u;
    if (auto* i = v->if_int64(); i && *i >= 0) n = static_cast<std::uint64_t>(*i);
    if (auto* d = v->if_double(); d && *d >= 0 && *d <= 9007199254740992.0 && *d == std::floor(*d))
      n = static_cast<std::uint64_t>(*d);
    if (n && *n > max) n.reset();
    return n;
  };
  auto* val = o.if_contains("val");
  auto ts = number("ts", UINT64_MAX), logical = number("logical", UINT32_MAX), node = number("node", UINT32_MAX);
  if (!val || !o.contains("ts") || !ts || !logical || !node || (!val->is_string() && !val->is_null()))
    return std::nullopt;
  Record r;
  if (val->is_string()) r.value = std::string(val->as_string());
  r.version = Version{*ts, static_cast<std::uint32_t>(*logical), static_cast<std::uint32_t>(*node)};
  return r;
}

}  // namespace sysdist::ap
