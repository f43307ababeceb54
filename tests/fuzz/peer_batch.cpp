// Fuzz target: the /peer/batch format. Decoding never reads past its input, refuses what
// is malformed, and what it accepts encodes back to the same bytes; a decoded batch runs
// through serve_batches to an answer (an empty one too).
#include <boost/asio.hpp>

#include "peer/batch_format.hpp"
#include "peer/batching_transport.hpp"

using namespace sysdist;
namespace asio = boost::asio;

namespace {
asio::awaitable<PeerReply> echo(PeerRequest request) { co_return PeerReply{200, request.method + " " + request.target}; }
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto replies = decode_replies(text))
    if (encode_replies(*replies) != text) __builtin_trap();
  auto requests = decode_requests(text);
  if (requests && encode_requests(*requests) != text) __builtin_trap();
  asio::io_context io;
  auto serve = serve_batches(echo);
  std::optional<PeerReply> reply;
  asio::co_spawn(io, serve(PeerRequest{"POST", std::string(batch_target), std::string(text)}),
                 [&](std::exception_ptr e, PeerReply r) {
                   if (e) std::rethrow_exception(e);
                   reply = std::move(r);
                 });
  io.run();
  if (!reply) __builtin_trap();  // a batch must always be answered
  if (reply->status == 200 && (!requests || decode_replies(reply->body)->size() != requests->size())) __builtin_trap();
  return 0;
}
