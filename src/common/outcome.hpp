// Outcome: what happened to one client request, as a value. Protocol code returns these;
// http/reply is the one place that maps them to HTTP status codes.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace sysdist {

enum class Outcome {
  applied,      // done (writes durable as the mode promises); reads found a value
  not_found,    // read or delete of a key that holds no value
  invalid,      // bad input: nothing was attempted
  rejected,     // definitely not applied: conflict, no quorum, a participant voted no
  precondition_failed,  // definitely not applied: a conditional write found another value
  unavailable,  // definitely not applied: this node cannot serve now (shutting down, no leader)
  unknown,      // may or may not be applied: timed out after the protocol took the write
};

// Names for outcomes carried in peer messages (a forwarded write's answer).
inline const char* outcome_name(Outcome o) {
  switch (o) {
    case Outcome::applied: return "applied";
    case Outcome::not_found: return "not_found";
    case Outcome::invalid: return "invalid";
    case Outcome::rejected: return "rejected";
    case Outcome::precondition_failed: return "precondition_failed";
    case Outcome::unavailable: return "unavailable";
    case Outcome::unknown: return "unknown";
  }
  return "unknown";
}
inline std::optional<Outcome> outcome_named(std::string_view name) {
  for (auto o : {Outcome::applied, Outcome::not_found, Outcome::invalid, Outcome::rejected,
                 Outcome::precondition_failed, Outcome::unavailable, Outcome::unknown})
    if (name == outcome_name(o)) return o;
  return std::nullopt;
}

struct Result {
  Outcome outcome = Outcome::applied;
  std::string code;                  // machine-readable reason, e.g. "conflict"
  std::string message;               // human-readable reason
  std::optional<std::string> value;  // the value a read found

  static Result ok() { return {}; }
  static Result found(std::string v) { return {Outcome::applied, "", "", std::move(v)}; }
  static Result fail(Outcome o, std::string code, std::string message) {
    return {o, std::move(code), std::move(message), std::nullopt};
  }
};

}  // namespace sysdist
