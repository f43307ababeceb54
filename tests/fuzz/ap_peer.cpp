// Fuzz target: the peer routes of AP (/quorum/read, /quorum/repair, /ap/put, /ap/merkle, /ap/entries). Input is "METHOD TARGET\nBODY";
// each runs through the mode's handler on a fresh in-memory node to an answer. A refused
// message must be a 4xx and leave the node's stored state unchanged.
#include "fuzz_node.hpp"
#include "peer_checks.hpp"

using namespace sysdist;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::FuzzNode node("AP");
  fuzz::check_peer_call(node, std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
