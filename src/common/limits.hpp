// Every limit sysdist enforces, in one place: sizes, deadlines, connections, queues, batches.
#pragma once
#include <chrono>
#include <cstddef>

namespace sysdist::limits {

using namespace std::chrono_literals;

inline constexpr std::size_t max_key_bytes = 1024;
inline constexpr std::size_t max_value_bytes = 1024 * 1024;
inline constexpr std::size_t max_header_bytes = 8 * 1024;
// A body carries a value plus a little JSON around it on peer routes.
inline constexpr std::size_t max_body_bytes = max_value_bytes + 4 * 1024;
// A request must arrive whole within this; also the idle keep-alive timeout.
inline constexpr auto request_read_timeout = 15s;
inline constexpr auto response_write_timeout = 15s;
inline constexpr std::size_t max_connections = 1024;
// Peer connections kept idle per peer for reuse.
inline constexpr std::size_t max_idle_peer_connections = 64;
// Peer calls carried by one /peer/batch request; its reply may carry that many bodies.
inline constexpr std::size_t max_batch_calls = 64;
inline constexpr std::size_t max_batch_reply_bytes = max_batch_calls * (max_body_bytes + 32);
// RocksDB's block cache per node (uncompressed blocks of stored data, shared by keyspaces).
inline constexpr std::size_t storage_block_cache_bytes = 64 << 20;
// Mutations merged into one synced RocksDB WriteBatch.
inline constexpr std::size_t max_group_commit_mutations = 4096;
// Graceful shutdown waits at most this long for in-flight requests.
inline constexpr auto shutdown_drain = 3s;
// How often participants look for transactions left in doubt.
inline constexpr auto in_doubt_scan_interval = 500ms;

}  // namespace sysdist::limits
