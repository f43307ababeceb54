// A history of client operations against a cluster, as a Jepsen-style checker sees it:
// each operation's invocation and completion (monotonic times) and what the client learned.
//   ok    the operation took effect (a read returned `value`; a write or cas applied)
//   fail  it definitely did not take effect (422, 503, 400: SPEC section 2)
//   info  unknown (504, timeout, connection lost): it may take effect at any later time
// A cas that answered 412 is `ok` with `mismatch` set: it changed nothing because the value
// was not `expected` when it was applied. Histories are stored one JSON object per line.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sysdist::check {

enum class OpType { read, write, cas };
enum class OpResult { ok, fail, info };

struct Op {
  std::uint64_t id = 0;
  int process = 0;  // the client that ran it (one operation at a time per client)
  OpType type = OpType::read;
  std::string key;
  std::optional<std::string> value;  // write/cas: the new value; read: what it returned (nullopt: absent)
  std::string expected;              // cas only
  bool mismatch = false;             // cas answered 412
  OpResult result = OpResult::info;
  std::int64_t invoke_ns = 0, complete_ns = 0;  // complete_ns: when the client gave up, for info
  int status = 0;                               // HTTP status; 0 when no answer came
  int node = 0;                                 // which node (1-5) was asked
};

const char* type_name(OpType type);
const char* result_name(OpResult result);
std::string to_json_line(const Op& op);
std::optional<Op> op_from_json_line(std::string_view line);
// "write k3 = c2-17" and the like, for reports.
std::string describe(const Op& op);

// The result a client records for an HTTP answer (status 0: no answer at all).
OpResult result_for_status(OpType type, int status);

}  // namespace sysdist::check
