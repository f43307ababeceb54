// VoteTally: phase 1's votes for one transaction. Pure. Commit needs a yes from every
// participant; a "no" or a missing vote (unreachable, timed out) means abort.
// explain() says why, for logs and the client's 422 message.
#pragma once
#include <string>
#include <vector>

namespace sysdist::ca {

enum class Vote { yes, no, missing };

class VoteTally {
 public:
  explicit VoteTally(std::size_t participants) : participants_(participants) {}
  void record(const std::string& who, Vote vote, const std::string& reason = {});
  bool all_yes() const { return yes_ == participants_; }
  bool any_no() const { return !no_.empty(); }
  std::size_t yes() const { return yes_; }
  // e.g. "4/5 yes; no from 127.0.0.3:3003 (key locked); no answer from 127.0.0.4:3004"
  std::string explain() const;

 private:
  std::size_t participants_;
  std::size_t yes_ = 0;
  std::vector<std::string> no_, missing_;
};

}  // namespace sysdist::ca
