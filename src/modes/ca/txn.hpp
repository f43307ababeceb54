// Txn: one two-phase-commit transaction as a participant records it (pure: no Asio, no
// clock, no storage). Its JSON form is the txn keyspace's value (storage/store.hpp) and,
// with "val", the body of POST /2pc/propose.
//
// Life of a record: prepared (key locked, vote yes given) -> committed or aborted, once.
// Decided records are kept: cooperative termination asks about them later.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include <boost/describe.hpp>

namespace sysdist::ca {

enum class TxnState { prepared, committed, aborted };
const char* state_name(TxnState state);
std::optional<TxnState> parse_state(std::string_view name);

struct Txn {
  std::string id;
  std::string key;
  std::optional<std::string> value;  // nullopt: the transaction deletes the key
  std::string coordinator;           // host:port of the coordinating node; empty: hand-made proposal
  TxnState state = TxnState::prepared;
};

std::string encode(const Txn& txn);
std::optional<Txn> decode(std::string_view record);

// Unique across the cluster and restarts: node number, incarnation, sequence ("n3-4-17").
// (Not the port: on five hosts every node may listen on 3001.)
std::string make_txn_id(std::size_t node, std::uint64_t incarnation, std::uint64_t sequence);

// Wire messages of the peer routes.
struct ProposeMessage {
  std::string id;
  std::string key;
  std::optional<std::string> val;          // null deletes
  std::optional<std::string> coordinator;  // absent in hand-made proposals (bin/propose.sh)
};
BOOST_DESCRIBE_STRUCT(ProposeMessage, (), (id, key, val, coordinator))

struct TxnStateMessage {
  std::string id;
  std::string state;
};
BOOST_DESCRIBE_STRUCT(TxnStateMessage, (), (id, state))

}  // namespace sysdist::ca
