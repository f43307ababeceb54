// The dashboard page (web/), built into sysdist-dash by cmake/embed_web.cmake; --web DIR
// serves a folder instead while developing. content_type_of() names the few types used.
#pragma once
#include <string_view>
#include <vector>

namespace sysdist::dash {

struct WebAsset {
  std::string_view path;  // "/index.html"
  std::string_view body;
};

const std::vector<WebAsset>& web_assets();

inline std::string_view content_type_of(std::string_view path) {
  if (path.ends_with(".html")) return "text/html; charset=utf-8";
  if (path.ends_with(".js")) return "text/javascript; charset=utf-8";
  if (path.ends_with(".css")) return "text/css; charset=utf-8";
  if (path.ends_with(".svg")) return "image/svg+xml";
  if (path.ends_with(".png")) return "image/png";
  return "text/plain; charset=utf-8";
}

}  // namespace sysdist::dash
