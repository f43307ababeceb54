// Every limit sysdist enforces, in one place: sizes, deadlines, connections, queues, batches.
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace sysdist::limits {

using namespace std::chrono_literals;

inline constexpr std::size_t max_key_bytes = 1024;
inline constexpr std::size_t max_value_bytes = 1024 * 1024;
inline constexpr std::size_t max_header_bytes = 8 * 1024;
// A client's body: a value (PUT) plus a little room.
inline constexpr std::size_t max_body_bytes = max_value_bytes + 4 * 1024;
// Peer bodies are derived from the largest legal content after encoding, so that every
// message a node builds fits what its peers accept, whatever the bytes inside:
//  - JSON escapes one byte to at most 6 ("\u001f"): a JSON message with one key and one
//    value (2PC propose, AP put and repair, AP read replies) stays under 6 x (key + value);
//  - CP carries commands in a binary frame (key + value + expected value, no escaping);
//  - messages that carry many records (AppendEntries, snapshot chunks, anti-entropy
//    replies, hint handoffs, batches) take at least one, then as many as fit this budget.
inline constexpr std::size_t json_escape_growth = 6;
inline constexpr std::size_t message_envelope_bytes = 64 * 1024;
inline constexpr std::size_t max_peer_body_bytes =
    json_escape_growth * (max_key_bytes + max_value_bytes) + message_envelope_bytes;
static_assert(max_peer_body_bytes >= max_key_bytes + 2 * max_value_bytes + message_envelope_bytes,
              "a CP conditional write (key, value, expected value) fits one AppendEntries");
// Terms, log indexes and AP clocks from peers stay below this, so adding to them never wraps.
inline constexpr std::uint64_t max_protocol_number = std::uint64_t{1} << 62;
// CA: decided transactions known everywhere, waiting to be forgotten (records dropped on
// every node), and how many ids one /2pc/forget carries.
inline constexpr std::size_t max_forget_queue = 100000;
inline constexpr std::size_t max_forget_ids = 1000;
// Transaction ids: bounded, printable, safe in a URL path segment and a log line.
inline constexpr std::size_t max_txn_id_bytes = 64;
// A request must arrive whole within this; also the idle keep-alive timeout.
inline constexpr auto request_read_timeout = 15s;
inline constexpr auto response_write_timeout = 15s;
// Inbound connections (node/connection_budgets.hpp derives the budgets from the
// descriptor limit): caps, what storage may keep open, and a margin for everything else.
inline constexpr std::size_t max_client_connections = 16384;
inline constexpr std::size_t max_peer_connections = 1024;
inline constexpr std::size_t storage_open_files = 256;
inline constexpr std::size_t descriptor_margin = 64;
// After EMFILE/ENFILE the accept loop pauses this long instead of spinning.
inline constexpr auto accept_backoff = 50ms;
// Peer connections kept idle per peer for reuse.
inline constexpr std::size_t max_idle_peer_connections = 64;
// Peer calls carried by one /peer/batch request; its reply may carry that many bodies.
inline constexpr std::size_t max_batch_calls = 64;
inline constexpr std::size_t max_batch_reply_bytes = max_batch_calls * (max_peer_body_bytes + 32);
// AP: hints kept for one unreachable replica, in bytes (the oldest go first; anti-entropy
// repairs what they carried once it is back). --max-hint-bytes overrides.
inline constexpr std::size_t max_hint_bytes_per_target = 64 << 20;
// Entries in one AppendEntries, whatever their size.
inline constexpr std::size_t max_append_entries = 256;
// RocksDB's block cache per node (uncompressed blocks of stored data, shared by keyspaces).
inline constexpr std::size_t storage_block_cache_bytes = 64 << 20;
// A full disk (storage/rocksdb_store.hpp): how often the storage thread looks for free
// space, and how much must be free before writes resume.
// Writes stop while less than the reserve (plus the write) is free, so that RocksDB itself
// never meets a full disk and can still flush, compact and delete.
inline constexpr auto storage_full_check_interval = 500ms;
inline constexpr std::size_t storage_memtable_bytes = 16 << 20;
inline constexpr std::size_t storage_reserve_bytes = 64 << 20;
inline constexpr std::size_t storage_resume_free_bytes = 96 << 20;
// Mutations merged into one synced RocksDB WriteBatch.
inline constexpr std::size_t max_group_commit_mutations = 4096;
// Graceful shutdown waits at most this long for in-flight requests.
inline constexpr auto shutdown_drain = 3s;
// How often participants look for transactions left in doubt.
inline constexpr auto in_doubt_scan_interval = 500ms;

// /admin/events (common/event_bus.hpp): open streams per node, what each may have queued
// before it is told it fell behind, the history kept for Last-Event-ID, how long events
// are still kept after the last subscriber left, and the heartbeat's period.
inline constexpr std::size_t event_subscribers = 8;
inline constexpr std::size_t event_queue_frames = 4096;
inline constexpr std::size_t event_queue_bytes = 4 << 20;
inline constexpr std::size_t event_history_frames = 2048;
inline constexpr std::size_t event_history_bytes = 2 << 20;
inline constexpr auto event_linger = 30s;
inline constexpr auto event_heartbeat = 250ms;
// Client requests, and peer messages per link (Raft's heartbeats alone are 20 a second),
// told one by one per second; beyond that they are only counted (in the heartbeat).
inline constexpr std::size_t client_events_per_second = 20;
inline constexpr std::size_t messages_per_link_per_second = 5;

}  // namespace sysdist::limits
