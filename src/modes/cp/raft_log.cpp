#include "modes/cp/raft_log.hpp"

#include <algorithm>

namespace sysdist::cp {

std::optional<std::uint64_t> RaftLog::term_at(std::uint64_t index) const {
  if (index == snapshot_index_) return snapshot_term_;
  if (index < snapshot_index_ || index > last_index()) return std::nullopt;
  return at(index).term;
}

std::uint64_t RaftLog::append(Entry entry) {
  entries_.push_back(std::move(entry));
  return last_index();
}

RaftLog::Accepted RaftLog::accept(std::uint64_t prev_index, std::uint64_t prev_term,
                                  const std::vector<Entry>& entries) {
  Accepted result;
  if (prev_index > last_index()) {
    result.conflict = Conflict{0, last_index() + 1};
    return result;
  }
  if (prev_index >= snapshot_index_) {
    const auto term = *term_at(prev_index);
    if (term != prev_term) {
      std::uint64_t first = prev_index;  // back to the first entry of the conflicting term
      while (first > snapshot_index_ + 1 && *term_at(first - 1) == term) --first;
      result.conflict = Conflict{term, first};
      return result;
    }
  }
  // prev_index below the snapshot: those entries are committed and match by definition.
  result.ok = true;
  result.first_new = last_index() + 1;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto index = prev_index + 1 + i;
    if (index <= snapshot_index_) continue;
    if (index <= last_index()) {
      if (at(index).term == entries[i].term) continue;
      entries_.resize(index - snapshot_index_ - 1);  // a conflicting suffix is never committed: drop it
    }
    result.first_new = std::min(result.first_new, index);
    entries_.push_back(entries[i]);
  }
  return result;
}

std::uint64_t RaftLog::next_after_conflict(const Conflict& conflict) const {
  if (conflict.term == 0) return std::max<std::uint64_t>(conflict.index, 1);
  // If we have entries of that term, retry just after our last one; else skip the whole term.
  for (auto index = last_index(); index > snapshot_index_; --index) {
    const auto term = at(index).term;
    if (term == conflict.term) return index + 1;
    if (term < conflict.term) break;
  }
  return std::max<std::uint64_t>(conflict.index, 1);
}

std::vector<Entry> RaftLog::slice(std::uint64_t from, std::size_t max) const {
  std::vector<Entry> out;
  for (auto index = std::max(from, snapshot_index_ + 1); index <= last_index() && out.size() < max; ++index)
    out.push_back(at(index));
  return out;
}

void RaftLog::compact(std::uint64_t index, std::uint64_t term) {
  if (index <= snapshot_index_) return;
  const auto drop = std::min<std::uint64_t>(index - snapshot_index_, entries_.size());
  entries_.erase(entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(drop));
  snapshot_index_ = index;
  snapshot_term_ = term;
}

void RaftLog::reset(std::uint64_t snapshot_index, std::uint64_t snapshot_term) {
  entries_.clear();
  snapshot_index_ = snapshot_index;
  snapshot_term_ = snapshot_term;
}

bool candidate_log_is_up_to_date(std::uint64_t candidate_last_term, std::uint64_t candidate_last_index,
                                 const RaftLog& voter_log) {
  if (candidate_last_term != voter_log.last_term()) return candidate_last_term > voter_log.last_term();
  return candidate_last_index >= voter_log.last_index();
}

std::uint64_t commit_index_for(std::vector<std::uint64_t> match_indexes, std::uint64_t current_term, const RaftLog& log,
                               std::uint64_t commit_index) {
  if (match_indexes.empty()) return commit_index;
  std::sort(match_indexes.begin(), match_indexes.end(), std::greater<>());
  const auto majority_index = match_indexes[match_indexes.size() / 2];  // stored on a majority
  if (majority_index <= commit_index) return commit_index;
  const auto term = log.term_at(majority_index);
  return term && *term == current_term ? majority_index : commit_index;
}

}  // namespace sysdist::cp
