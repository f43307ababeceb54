// DashApi: what sysdist-dash serves a browser, on the same HTTP server as the nodes.
//   GET  /                      the page (web/, embedded; --web DIR serves a folder)
//   GET  /api/events            the merged event stream (Server-Sent Events, Last-Event-ID)
//   GET  /api/info              mode, what the page may do (root for iptables faults)
//   POST /api/fault             {"action","node"} or {"action":"partition","groups":[[1,2],[3,4,5]]}
//   POST /api/client            {"op":"read|write|delete","key","value","node"}
//   POST /api/load              {"clients","read_ratio"} (clients 0 stops it)
//   POST /api/check             {"seconds","nemesis"}
//   GET  /api/recordings[/NAME] the recorded sessions (JSON lines), for replay
// A local admin tool, protected as one: the Host header must name the dashboard itself
// (no DNS rebinding), every POST must carry X-Requested-With: sysdist-dash (no cross-site
// form posts), bodies are small JSON objects, and every answer has a strict
// Content-Security-Policy.
#pragma once
#include <filesystem>
#include <optional>
#include <set>
#include <string>

#include "http/reply.hpp"
#include "tools/dash/actions.hpp"
#include "tools/dash/hub.hpp"

namespace sysdist::dash {

class DashApi final : public RequestHandler {
 public:
  DashApi(Hub& hub, Actions& actions, std::set<std::string> allowed_hosts, std::optional<std::filesystem::path> web_dir,
          std::filesystem::path record_dir);

  std::size_t body_limit_for(std::string_view target) const override { return 64 * 1024; }
  std::optional<HttpResponse> refuse_before_body(const HttpRequest& head) override;
  boost::asio::awaitable<HttpResponse> handle(HttpRequest request) override;

 private:
  HttpResponse page(const std::string& path) const;
  HttpResponse recordings(const std::string& path) const;

  Hub& hub_;
  Actions& actions_;
  std::set<std::string> allowed_hosts_;
  std::optional<std::filesystem::path> web_dir_;
  std::filesystem::path record_dir_;
};

}  // namespace sysdist::dash
