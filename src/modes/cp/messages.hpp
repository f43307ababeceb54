// Raft's peer messages (PreVote/RequestVote, AppendEntries, InstallSnapshot, ReadIndex and
// their replies): typed, built by one function each, and checked by one parser each before
// they touch any state (a refused message answers 400 and changes nothing).
//
// Small messages are JSON (BOOST_DESCRIBE_STRUCT). AppendEntries and snapshot chunks are a
// JSON header line followed by frames (peer/frames.hpp): entries "<term> <length>\n<command>"
// and pairs "<key bytes> <length>\n<key><value>", unescaped. Their builders add records up
// to a byte budget (always at least one), so every message fits limits::max_peer_body_bytes
// whatever the values inside.
//
// Checks: node indexes name another member; terms, indexes and offsets stay below
// limits::max_protocol_number (so adding to them never wraps); an entry's term lies between
// prev_term and the message's term and never decreases; every command decodes; a snapshot's
// index is past 0 and its last term not above the message's; keys and values follow SPEC 2.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/describe.hpp>

#include "common/membership.hpp"
#include "common/outcome.hpp"
#include "modes/cp/raft_log.hpp"
#include "peer/messages.hpp"

namespace sysdist::cp {

struct VoteRequest {
  std::uint64_t term = 0, candidate = 0, last_index = 0, last_term = 0;
};
BOOST_DESCRIBE_STRUCT(VoteRequest, (), (term, candidate, last_index, last_term))

struct VoteReply {
  std::uint64_t term = 0;
  bool granted = false;
};
BOOST_DESCRIBE_STRUCT(VoteReply, (), (term, granted))

struct AppendHeader {
  std::uint64_t term = 0, leader = 0, prev_index = 0, prev_term = 0, commit = 0;
};
BOOST_DESCRIBE_STRUCT(AppendHeader, (), (term, leader, prev_index, prev_term, commit))
struct AppendRequest {
  AppendHeader header;
  std::vector<Entry> entries;
  std::uint64_t last() const { return header.prev_index + entries.size(); }
};

// The answer to AppendEntries and to a snapshot chunk.
struct AppendReply {
  std::uint64_t term = 0;
  bool success = false;
  std::uint64_t match = 0, conflict_term = 0, conflict_index = 0;
};
BOOST_DESCRIBE_STRUCT(AppendReply, (), (term, success, match, conflict_term, conflict_index))

struct SnapshotHeader {
  std::uint64_t term = 0, leader = 0, index = 0, last_term = 0, offset = 0;  // offset: pairs sent before
  bool done = false;
};
BOOST_DESCRIBE_STRUCT(SnapshotHeader, (), (term, leader, index, last_term, offset, done))
using Pairs = std::vector<std::pair<std::string, std::string>>;
struct SnapshotChunk {
  SnapshotHeader header;
  Pairs pairs;
};

struct ReadIndexReply {
  std::uint64_t index = 0;
};
BOOST_DESCRIBE_STRUCT(ReadIndexReply, (), (index))

// A forwarded write's outcome, decided by the leader's propose(): the Result itself, so a
// follower answers its client exactly what the leader decided.
struct ForwardReply {
  std::string outcome;  // outcome_name()
  std::string code, message;
};
BOOST_DESCRIBE_STRUCT(ForwardReply, (), (outcome, code, message))
std::string forward_reply_body(const Result& result);
// What the forwarding node answers its client, from the leader's reply (or its absence).
Result result_of_forward(const PeerResult& answer);

// Builders. append_body() takes entries from..(at most max_append_entries) of `log` while
// they fit `budget`; snapshot_body() takes pairs from `offset` likewise. Each says how many.
std::string append_body(const AppendHeader& header, const RaftLog& log, std::uint64_t from, std::size_t& count,
                        std::size_t budget);
std::string snapshot_body(SnapshotHeader header, const Pairs& pairs, std::size_t& count, std::size_t budget);

// Receivers: the message, or why it is refused.
Checked<VoteRequest> parse_vote_request(std::string_view body, const Membership& membership);
Checked<AppendRequest> parse_append(std::string_view body, const Membership& membership);
Checked<SnapshotChunk> parse_snapshot(std::string_view body, const Membership& membership);
// Senders, on a reply: nullopt when malformed or out of range.
std::optional<VoteReply> parse_vote_reply(std::string_view body);
std::optional<AppendReply> parse_append_reply(std::string_view body);
std::optional<ReadIndexReply> parse_read_index_reply(std::string_view body);

}  // namespace sysdist::cp
