// Membership: the cluster's nodes in node order. A node is named by its index here;
// humans see it as host:port (node x of the default cluster is 127.0.0.x:300x).
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace sysdist {

struct Member {
  std::string host;
  unsigned short port = 0;
  std::string address() const { return host + ":" + std::to_string(port); }
};

struct Membership {
  std::vector<Member> members;
  std::size_t self = 0;

  const Member& me() const { return members[self]; }
  std::size_t size() const { return members.size(); }
  std::vector<std::size_t> others() const {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < members.size(); ++i)
      if (i != self) out.push_back(i);
    return out;
  }
  // Index of the member at host:port, or size() when there is none.
  std::size_t find(const std::string& address) const {
    for (std::size_t i = 0; i < members.size(); ++i)
      if (members[i].address() == address) return i;
    return members.size();
  }
};

}  // namespace sysdist
