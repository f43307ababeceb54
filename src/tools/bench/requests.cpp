#include "tools/bench/requests.hpp"

#include <sstream>

#include <boost/beast/core/detail/base64.hpp>
#include <boost/json.hpp>

#include "common/net.hpp"

namespace sysdist::bench {

namespace {
std::string base64(std::string_view text) {
  std::string out(beast::detail::base64::encoded_size(text.size()), '\0');
  out.resize(beast::detail::base64::encode(out.data(), text.data(), text.size()));
  return out;
}

// The request for one operation in the chosen API.
http::request<http::string_body> make_request(const Options& o, bool write, const std::string& key,
                                              const std::string& value) {
  http::request<http::string_body> request;
  request.version(11);
  if (o.api == "static") {
    request.method(http::verb::get);
    request.target(o.path);
  } else if (o.api == "etcd") {
    request.method(http::verb::post);
    request.target(write ? "/v3/kv/put" : "/v3/kv/range");
    request.set(http::field::content_type, "application/json");
    boost::json::object body{{"key", base64(key)}};
    if (write) body["value"] = base64(value);
    else if (o.stale) body["serializable"] = true;
    request.body() = boost::json::serialize(body);
  } else {
    request.method(write ? http::verb::put : http::verb::get);
    request.target("/database/" + key + (!write && o.stale ? "?stale=true" : ""));
    if (write) request.body() = value;
  }
  return request;
}

}  // namespace

Requests build_requests(const Options& o) {
  Requests requests;
  const std::string value(o.value_size, 'v');
  for (const auto& target : o.targets) {
    auto& reads = requests.reads.emplace_back();
    auto& writes = requests.writes.emplace_back();
    for (int k = 0; k < o.keys; ++k) {
      const auto key = "bench-" + std::to_string(k);
      for (bool write : {false, true}) {
        auto request = make_request(o, write, key, value);
        request.set(http::field::host, target);
        request.keep_alive(true);
        request.prepare_payload();
        std::ostringstream text;
        text << request;
        (write ? writes : reads).push_back(text.str());
      }
    }
  }
  return requests;
}

}  // namespace sysdist::bench
