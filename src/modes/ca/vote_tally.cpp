#include "modes/ca/vote_tally.hpp"

namespace sysdist::ca {

void VoteTally::record(const std::string& who, Vote vote, const std::string& reason) {
  switch (vote) {
    case Vote::yes:
      ++yes_;
      break;
    case Vote::no:
      no_.push_back(reason.empty() ? who : who + " (" + reason + ")");
      break;
    case Vote::missing:
      missing_.push_back(who);
      break;
  }
}

std::string VoteTally::explain() const {
  std::string text = std::to_string(yes_) + "/" + std::to_string(participants_) + " yes";
  auto list = [&](const char* label, const std::vector<std::string>& who) {
    if (who.empty()) return;
    text += std::string("; ") + label;
    for (std::size_t i = 0; i < who.size(); ++i) text += (i ? ", " : " ") + who[i];
  };
  list("no from", no_);
  list("no answer from", missing_);
  return text;
}

}  // namespace sysdist::ca
