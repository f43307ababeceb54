// The three modes' checkers (one file each) and what they share.
#pragma once
#include <map>
#include <memory>
#include <string>

#include "sim/simulation.hpp"

namespace sysdist::sim {

std::unique_ptr<ModeChecker> make_ca_checker();
std::unique_ptr<ModeChecker> make_ap_checker();
std::unique_ptr<ModeChecker> make_cp_checker();

// Node i's data keyspace, key -> stored value.
std::map<std::string, std::string> data_of(const Cluster& cluster, std::size_t i);
// The first node (index) whose data differs from node 1's; 0 when all agree.
std::size_t differing_node(const Cluster& cluster);

}  // namespace sysdist::sim
