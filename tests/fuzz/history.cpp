// Fuzz target: sysdist-check's history parser (one JSON object per line). Any line parses
// to an operation or is refused; an operation written back parses to the same operation.
#include "tools/check/history.hpp"

using namespace sysdist::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  while (!text.empty()) {
    const auto newline = text.find('\n');
    const auto line = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
    auto op = op_from_json_line(line);
    if (!op) continue;
    auto again = op_from_json_line(to_json_line(*op));
    if (!again || again->id != op->id || again->key != op->key || again->value != op->value ||
        again->type != op->type || again->result != op->result || again->invoke_ns != op->invoke_ns)
      __builtin_trap();
    describe(*op);
  }
  return 0;
}
