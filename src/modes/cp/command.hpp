// Command: what one Raft log entry asks the key-value state machine to do (pure).
//
// Encoded as one frame (peer/frames.hpp), binary-safe and never escaped, so an entry is at
// most key + value + expected value plus a few bytes whatever the bytes inside:
//   "put <key bytes> <value bytes> <length>\n" key value
//   "cas <key bytes> <value bytes> <length>\n" key value expected
//   "del <key bytes> 0 <length>\n" key          "noop 0 0 0\n"
// decode() checks every length and the key and value rules of SPEC section 2, so a log
// entry from a peer is either a valid command or refused. Logs written before this format
// held JSON commands ({"op","key","val","expect"}); decode() still reads them.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace sysdist::cp {

struct Command {
  enum class Op { noop, put, del, cas };
  Op op = Op::noop;
  std::string key;
  std::string value;     // put, cas
  std::string expected;  // cas: applies only while the current value is this
};

std::string encode(const Command& command);
std::optional<Command> decode_command(std::string_view text);

}  // namespace sysdist::cp
