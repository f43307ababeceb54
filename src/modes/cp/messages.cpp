#include "modes/cp/messages.hpp"

#include "common/checks.hpp"
#include "common/limits.hpp"
#include "modes/cp/command.hpp"
#include "peer/frames.hpp"

namespace sysdist::cp {

namespace {
constexpr auto max_number = limits::max_protocol_number;

bool in_range(std::initializer_list<std::uint64_t> numbers) {
  for (auto n : numbers)
    if (n > max_number) return false;
  return true;
}
// A node index from a peer: another member, never the receiver itself.
bool other_member(std::uint64_t node, const Membership& membership) {
  return node < membership.size() && node != membership.self;
}

// Splits "<json header>\n<frames>" and parses the header.
template <class Header>
std::optional<Header> header_of(std::string_view& body) {
  const auto newline = body.find('\n');
  if (newline == std::string_view::npos) return std::nullopt;
  auto header = parse_message<Header>(body.substr(0, newline));
  body.remove_prefix(newline + 1);
  if (!header) return std::nullopt;
  return *header;
}

// The header of a message from a leader: parsed, and naming another member as leader.
template <class Header>
std::optional<std::string> leader_header_of(std::string_view& body, const Membership& membership, Header& header,
                                            const char* shape) {
  auto parsed = header_of<Header>(body);
  if (!parsed) return std::string("Expected a JSON header ") + shape;
  header = *parsed;
  if (!other_member(header.leader, membership)) return std::string("No such leader");
  return std::nullopt;
}

template <class Reply>
std::optional<Reply> reply_of(std::string_view body) {
  auto reply = parse_message<Reply>(body);
  if (!reply) return std::nullopt;
  return *reply;
}
}  // namespace

std::string append_body(const AppendHeader& header, const RaftLog& log, std::uint64_t from, std::size_t& count,
                        std::size_t budget) {
  std::string out = to_body(header) + "\n";
  count = 0;
  for (auto index = from; index <= log.last_index() && count < limits::max_append_entries; ++index, ++count) {
    const auto& entry = log.at(index);
    const auto term = std::to_string(entry.term);
    if (count > 0 && out.size() + frame_size({term}, entry.command.size()) > budget) break;
    append_frame(out, {term}, entry.command);
  }
  return out;
}

std::string snapshot_body(SnapshotHeader header, const Pairs& pairs, std::size_t& count, std::size_t budget) {
  const auto first = static_cast<std::size_t>(header.offset);
  std::size_t bytes = 0;
  count = 0;
  while (first + count < pairs.size()) {  // how many fit, so the header can say whether this is the last
    const auto& [key, value] = pairs[first + count];
    const auto size = frame_size({std::to_string(key.size())}, key.size() + value.size());
    if (count > 0 && bytes + size > budget - limits::message_envelope_bytes / 2) break;
    bytes += size;
    ++count;
  }
  header.done = first + count >= pairs.size();
  std::string out = to_body(header) + "\n";
  out.reserve(out.size() + bytes);
  for (std::size_t i = first; i < first + count; ++i)
    append_frame(out, {std::to_string(pairs[i].first.size())}, pairs[i].first + pairs[i].second);
  return out;
}

Checked<VoteRequest> parse_vote_request(std::string_view body, const Membership& membership) {
  auto request = parse_message<VoteRequest>(body);
  if (!request) return Checked<VoteRequest>::refuse("Expected {term, candidate, last_index, last_term}");
  if (!other_member(request->candidate, membership)) return Checked<VoteRequest>::refuse("No such candidate");
  if (!in_range({request->term, request->last_index}) || request->last_term > request->term)
    return Checked<VoteRequest>::refuse("Term or index out of range");
  return *request;
}

Checked<AppendRequest> parse_append(std::string_view body, const Membership& membership) {
  using Refuse = Checked<AppendRequest>;
  AppendRequest request;
  const auto* header = &request.header;
  if (auto why = leader_header_of(body, membership, request.header, "{term, leader, prev_index, prev_term, commit}"))
    return Refuse::refuse(*why);
  if (!in_range({header->term, header->prev_index, header->commit}) || header->prev_term > header->term)
    return Refuse::refuse("Term or index out of range");
  std::vector<std::string_view> fields;
  std::string_view command;
  auto last_term = header->prev_term;
  while (!body.empty()) {
    std::uint64_t term = 0;
    if (request.entries.size() == limits::max_append_entries || !next_frame(body, fields, command) ||
        fields.size() != 1 || !parse_number(fields[0], term, header->term) || term < last_term)
      return Refuse::refuse("Malformed entry, or its term is out of order");
    if (!decode_command(command)) return Refuse::refuse("An entry holds no valid command");
    request.entries.push_back(Entry{term, std::string(command)});
    last_term = term;
  }
  if (!in_range({request.last()})) return Refuse::refuse("Index out of range");
  return request;
}

Checked<SnapshotChunk> parse_snapshot(std::string_view body, const Membership& membership) {
  using Refuse = Checked<SnapshotChunk>;
  SnapshotChunk chunk;
  const auto* header = &chunk.header;
  if (auto why = leader_header_of(body, membership, chunk.header, "{term, leader, index, last_term, offset, done}"))
    return Refuse::refuse(*why);
  if (!in_range({header->term, header->index, header->offset}) || header->index == 0 ||
      header->last_term > header->term || header->last_term == 0)
    return Refuse::refuse("Term or index out of range");
  std::vector<std::string_view> fields;
  std::string_view pair;
  while (!body.empty()) {
    std::uint64_t key_bytes = 0;
    if (!next_frame(body, fields, pair) || fields.size() != 1 || !parse_number(fields[0], key_bytes, pair.size()))
      return Refuse::refuse("Malformed key/value pair");
    auto key = pair.substr(0, key_bytes), value = pair.substr(key_bytes);
    if (check_key(key) || check_value(value)) return Refuse::refuse("A pair breaks the key or value rules");
    chunk.pairs.emplace_back(key, value);
  }
  return chunk;
}

std::optional<VoteReply> parse_vote_reply(std::string_view body) {
  auto reply = reply_of<VoteReply>(body);
  if (!reply || !in_range({reply->term})) return std::nullopt;
  return reply;
}

std::optional<AppendReply> parse_append_reply(std::string_view body) {
  auto reply = reply_of<AppendReply>(body);
  if (!reply || !in_range({reply->term, reply->match, reply->conflict_term, reply->conflict_index}))
    return std::nullopt;
  return reply;
}

std::optional<ReadIndexReply> parse_read_index_reply(std::string_view body) {
  auto reply = reply_of<ReadIndexReply>(body);
  if (!reply || !in_range({reply->index})) return std::nullopt;
  return reply;
}

std::string forward_reply_body(const Result& result) {
  return to_body(ForwardReply{outcome_name(result.outcome), result.code, result.message});
}

Result result_of_forward(const PeerResult& answer) {
  if (!answer.answered()) return Result::fail(Outcome::unknown, "leader_unreachable", "The leader did not answer in time");
  const auto status = answer.reply.status;
  // Refused before it was proposed: a malformed command, or a leader shutting down.
  if (status == 400) return Result::fail(Outcome::invalid, "bad_message", "The leader refused the command");
  if (status == 503) return Result::fail(Outcome::unavailable, "not_leader", "The leader cannot take writes now");
  auto reply = status == 200 ? reply_of<ForwardReply>(answer.reply.body) : std::nullopt;
  auto outcome = reply ? outcome_named(reply->outcome) : std::nullopt;
  if (!outcome) return Result::fail(Outcome::unknown, "bad_reply", "The leader's answer could not be read");
  return Result::fail(*outcome, std::move(reply->code), std::move(reply->message));
}

}  // namespace sysdist::cp
