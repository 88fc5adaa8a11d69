#include "serve/route.hpp"

#include <vector>

#include "base/text.hpp"

namespace claimcheck::serve {
namespace {

std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > start) out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

}  // namespace

Route parse_route(std::string_view path) {
  Route route;
  const auto parts = segments(path);
  if (parts.empty()) return route;
  const std::string_view last = parts.back();
  if (last == "decode") route.kind = RouteKind::Decode;
  else if (last == "encode") route.kind = RouteKind::Encode;
  else if (last == "download") route.kind = RouteKind::Download;
  if (route.kind != RouteKind::Unknown && parts.size() >= 2)
    route.namespace_segment = std::string(parts[parts.size() - 2]);
  return route;
}

std::string_view origin_form(std::string_view target) {
  if (target.empty() || target.front() == '/') return target;
  const auto scheme_end = target.find("://");
  if (scheme_end == std::string_view::npos) return target;
  const auto path = target.find('/', scheme_end + 3);
  return path == std::string_view::npos ? std::string_view("/") : target.substr(path);
}

const char* route_name(RouteKind kind) {
  switch (kind) {
    case RouteKind::Decode: return "decode";
    case RouteKind::Encode: return "encode";
    case RouteKind::Download: return "download";
    case RouteKind::Unknown: break;
  }
  return "unknown";
}

bool is_true_flag(std::string_view value) { return base::equals_ignoring_case(value, "true"); }

}  // namespace claimcheck::serve
