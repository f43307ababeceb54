// Fuzz target: key and value decoding. A request target is percent-decoded (Boost.URL) and
// checked by the key/value rules; console escaping always yields printable UTF-8; stored
// forms (CP commands, AP records, CA transaction records, Raft frames) decode without
// trusting a length, and what decodes re-encodes to an equal value.
#include "common/checks.hpp"
#include "modes/ap/version.hpp"
#include "modes/ca/txn.hpp"
#include "modes/cp/command.hpp"
#include "peer/frames.hpp"
#include "peer/messages.hpp"

using namespace sysdist;

namespace {
void check_escaped(std::string_view text) {
  const auto shown = escaped(text);
  if (!is_valid_utf8(shown)) __builtin_trap();
  for (unsigned char c : shown)
    if (c < 0x20 || c == 0x7F) __builtin_trap();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check_escaped(text);
  if (auto segments = path_of(text))
    for (const auto& segment : *segments) {
      const bool key_ok = !check_key(segment), value_ok = !check_value(segment);
      if ((key_ok || value_ok) && !is_valid_utf8(segment)) __builtin_trap();
      check_escaped(segment);
    }
  if (auto command = cp::decode_command(text)) {
    auto again = cp::decode_command(cp::encode(*command));
    if (!again || again->op != command->op || again->key != command->key || again->value != command->value ||
        again->expected != command->expected)
      __builtin_trap();
  }
  if (auto record = ap::decode(text)) {
    auto again = ap::decode(ap::encode(*record));
    if (!again || again->value != record->value || again->version != record->version) __builtin_trap();
  }
  if (auto txn = ca::decode(text)) {
    auto again = ca::decode(ca::encode(*txn));
    if (!again || again->id != txn->id || again->key != txn->key || again->state != txn->state) __builtin_trap();
  }
  std::string_view rest = text;
  std::vector<std::string_view> fields;
  std::string_view body;
  while (next_frame(rest, fields, body))
    if (body.data() < text.data() || body.data() + body.size() > text.data() + text.size()) __builtin_trap();
  return 0;
}
