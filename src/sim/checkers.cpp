#include "sim/checkers.hpp"

namespace sysdist::sim {

std::unique_ptr<ModeChecker> checker_for(const std::string& mode) {
  if (mode == "CA") return make_ca_checker();
  if (mode == "AP") return make_ap_checker();
  if (mode == "CP") return make_cp_checker();
  throw std::invalid_argument("mode must be CA, AP or CP");
}

std::map<std::string, std::string> data_of(const Cluster& cluster, std::size_t i) {
  std::map<std::string, std::string> data;
  cluster.disk(i).for_each(Keyspace::data, [&](std::string_view k, std::string_view v) { data.emplace(k, v); });
  return data;
}

std::size_t differing_node(const Cluster& cluster) {
  const auto first = data_of(cluster, 0);
  for (std::size_t i = 1; i < Cluster::nodes; ++i)
    if (data_of(cluster, i) != first) return i;
  return 0;
}

}  // namespace sysdist::sim
