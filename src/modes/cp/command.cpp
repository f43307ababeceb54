#include "modes/cp/command.hpp"

#include <vector>

#include <boost/json.hpp>

#include "common/checks.hpp"
#include "peer/frames.hpp"

namespace sysdist::cp {

namespace {
constexpr std::string_view op_names[] = {"noop", "put", "del", "cas"};

std::optional<Command> checked(Command command) {
  if (command.op == Command::Op::noop) return command;
  if (check_key(command.key) || check_value(command.value) || check_value(command.expected)) return std::nullopt;
  return command;
}

// A command of a log written before the binary format.
std::optional<Command> decode_json(std::string_view text) {
  boost::system::error_code ec;
  auto json = boost::json::parse(text, ec);
  if (ec || !json.is_object()) return std::nullopt;
  auto string_field = [&](const char* name) -> std::optional<std::string> {
    auto* v = json.as_object().if_contains(name);
    return v && v->is_string() ? std::optional(std::string(v->as_string())) : std::nullopt;
  };
  auto op = string_field("op").value_or("");
  Command command;
  if (op == "noop") return command;
  command.op = op == "put" ? Command::Op::put : op == "del" ? Command::Op::del : Command::Op::cas;
  if (op != "put" && op != "del" && op != "cas") return std::nullopt;
  command.key = string_field("key").value_or("");
  command.value = string_field("val").value_or("");
  if (command.op == Command::Op::cas) command.expected = string_field("expect").value_or("");
  if (command.op == Command::Op::del) command.value.clear();
  return checked(std::move(command));
}
}  // namespace

std::string encode(const Command& c) {
  std::string out;
  const auto key_bytes = std::to_string(c.key.size()), value_bytes = std::to_string(c.value.size());
  out.reserve(c.key.size() + c.value.size() + c.expected.size() + 32);
  std::string body;
  body.reserve(c.key.size() + c.value.size() + c.expected.size());
  body.append(c.key).append(c.value).append(c.expected);
  append_frame(out, {op_names[static_cast<int>(c.op)], key_bytes, value_bytes}, body);
  return out;
}

std::optional<Command> decode_command(std::string_view text) {
  if (text.starts_with('{')) return decode_json(text);
  std::vector<std::string_view> fields;
  std::string_view body;
  std::uint64_t key_bytes = 0, value_bytes = 0;
  if (!next_frame(text, fields, body) || !text.empty() || fields.size() != 3) return std::nullopt;
  if (!parse_number(fields[1], key_bytes, body.size()) || !parse_number(fields[2], value_bytes, body.size()))
    return std::nullopt;
  Command command;
  std::size_t op = 0;
  while (op < std::size(op_names) && op_names[op] != fields[0]) ++op;
  if (op == std::size(op_names) || key_bytes + value_bytes > body.size()) return std::nullopt;
  command.op = static_cast<Command::Op>(op);
  command.key = body.substr(0, key_bytes);
  command.value = body.substr(key_bytes, value_bytes);
  command.expected = body.substr(key_bytes + value_bytes);
  if (command.op != Command::Op::cas && !command.expected.empty()) return std::nullopt;
  if (command.op != Command::Op::put && command.op != Command::Op::cas && !command.value.empty()) return std::nullopt;
  return checked(std::move(command));
}

}  // namespace sysdist::cp
