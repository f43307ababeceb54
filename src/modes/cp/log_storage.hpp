// The Raft log on disk: keyspace raft_log, 20-digit zero-padded index -> "<term>\n<command>"
// (logs written before held JSON {"term","cmd"}; still read).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "modes/cp/raft_log.hpp"
#include "storage/store.hpp"

namespace sysdist::cp {

std::string index_key(std::uint64_t index);
std::optional<Entry> entry_from_storage(std::string_view text);
// The log entries from..to as storage writes.
void add_entries(Batch& batch, const RaftLog& log, std::uint64_t from, std::uint64_t to);

}  // namespace sysdist::cp
