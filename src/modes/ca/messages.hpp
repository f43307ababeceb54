// Two-phase commit's peer input, checked in one place before anything changes:
//   POST /2pc/propose {"id","key","val","coordinator"?}  -> parse_proposal()
//   /2pc/commit/:id, /2pc/rollback/:id, GET /2pc/txn/:id -> is_valid_txn_id()
//   POST /2pc/forget {"ids": [...]}                      -> parse_forget()
// A transaction id is 1 to 64 characters of [A-Za-z0-9._:-] (sysdist's own are
// "n1-4-17"; the original's bin/propose.sh sends "1"), so a record per id stays small
// and ids print safely. A proposal's key and value follow SPEC 2; its coordinator is
// absent (a hand-made proposal) or another member's host:port, never the receiver (which
// would wait for a decision from itself and hold the key locked until restart).
#pragma once
#include <string_view>
#include <vector>

#include "common/membership.hpp"
#include "modes/ca/txn.hpp"
#include "peer/messages.hpp"

namespace sysdist::ca {

bool is_valid_txn_id(std::string_view id);
Checked<Txn> parse_proposal(std::string_view body, const Membership& membership);

// POST /2pc/forget {"ids": [id...]}: decided transactions every node knows (at most
// limits::max_forget_ids valid ids).
std::string forget_body(const std::vector<std::string>& ids);
Checked<std::vector<std::string>> parse_forget(std::string_view body);

}  // namespace sysdist::ca
