#include "tools/check/history.hpp"

#include <limits>

#include <boost/json.hpp>

namespace sysdist::check {

namespace json = boost::json;

const char* type_name(OpType type) {
  switch (type) {
    case OpType::read:
      return "read";
    case OpType::write:
      return "write";
    case OpType::cas:
      return "cas";
  }
  return "?";
}

const char* result_name(OpResult result) {
  switch (result) {
    case OpResult::ok:
      return "ok";
    case OpResult::fail:
      return "fail";
    case OpResult::info:
      return "info";
  }
  return "?";
}

std::string to_json_line(const Op& op) {
  json::object o{{"id", op.id},
                 {"process", op.process},
                 {"type", type_name(op.type)},
                 {"key", op.key},
                 {"value", op.value ? json::value(*op.value) : json::value(nullptr)},
                 {"result", result_name(op.result)},
                 {"invoke_ns", op.invoke_ns},
                 {"complete_ns", op.complete_ns},
                 {"status", op.status},
                 {"node", op.node}};
  if (op.type == OpType::cas) {
    o["expected"] = op.expected;
    o["mismatch"] = op.mismatch;
  }
  return json::serialize(o);
}

std::optional<Op> op_from_json_line(std::string_view line) {
  boost::system::error_code ec;
  auto parsed = json::parse(line, ec);
  if (ec || !parsed.is_object()) return std::nullopt;
  const auto& o = parsed.as_object();
  auto text = [&](const char* name) -> std::optional<std::string> {
    auto* v = o.if_contains(name);
    return v && v->is_string() ? std::optional(std::string(v->as_string())) : std::nullopt;
  };
  // A field absent reads 0; one present must be a whole number in [min, max], or the line is refused.
  bool numbers_ok = true;
  auto integer = [&](const char* name, std::int64_t min, std::int64_t max) -> std::int64_t {
    auto* v = o.if_contains(name);
    if (!v) return 0;
    boost::system::error_code e;
    auto n = v->is_number() ? v->to_number<std::int64_t>(e) : 0;
    if (!v->is_number() || e || n < min || n > max) numbers_ok = false;
    return n;
  };
  constexpr auto int_max = std::numeric_limits<int>::max();
  Op op;
  auto type = text("type"), result = text("result"), key = text("key");
  if (!type || !result || !key) return std::nullopt;
  if (*type == "read") op.type = OpType::read;
  else if (*type == "write") op.type = OpType::write;
  else if (*type == "cas") op.type = OpType::cas;
  else return std::nullopt;
  if (*result == "ok") op.result = OpResult::ok;
  else if (*result == "fail") op.result = OpResult::fail;
  else if (*result == "info") op.result = OpResult::info;
  else return std::nullopt;
  op.key = *key;
  op.value = text("value");
  op.expected = text("expected").value_or("");
  auto* mismatch = o.if_contains("mismatch");
  op.mismatch = mismatch && mismatch->is_bool() && mismatch->as_bool();
  op.id = static_cast<std::uint64_t>(integer("id", 0, INT64_MAX));
  op.process = static_cast<int>(integer("process", 0, int_max));
  op.invoke_ns = integer("invoke_ns", INT64_MIN, INT64_MAX);
  op.complete_ns = integer("complete_ns", INT64_MIN, INT64_MAX);
  op.status = static_cast<int>(integer("status", 0, 999));
  op.node = static_cast<int>(integer("node", 0, int_max));
  if (!numbers_ok) return std::nullopt;
  return op;
}

std::string describe(const Op& op) {
  std::string text = std::string(type_name(op.type)) + " " + op.key;
  const std::string value = op.value ? *op.value : "<absent>";
  switch (op.type) {
    case OpType::read:
      text += op.result == OpResult::ok ? " -> " + value : "";
      break;
    case OpType::write:
      text += " = " + value;
      break;
    case OpType::cas:
      text += " " + op.expected + " -> " + value + (op.mismatch ? " (412: not " + op.expected + ")" : "");
      break;
  }
  return text + "  [" + result_name(op.result) + (op.status ? ", " + std::to_string(op.status) : "") + "]";
}

OpResult result_for_status(OpType type, int status) {
  if (status == 200 || status == 201 || (type == OpType::read && status == 404)) return OpResult::ok;
  if (type == OpType::cas && status == 412) return OpResult::ok;  // a definite "not applied: value differed"
  if (type == OpType::read) return OpResult::fail;                // a read that failed changed nothing
  if (status == 400 || status == 412 || status == 422 || status == 503) return OpResult::fail;
  return OpResult::info;  // 504, other 5xx, timeouts, lost connections
}

}  // namespace sysdist::check
