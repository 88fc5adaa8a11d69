// Which codec-server operation a request path asks for. Only the last path
// segment decides, so the server can sit under any prefix, and `//decode`
// (what a client makes of an endpoint ending in '/') is the same route.
// The segment before it, when there is one, names the namespace
// (`/{ns}/decode`, as `--codec-endpoint http://h/{namespace}` produces).
#pragma once

#include <string>
#include <string_view>

namespace claimcheck::serve {

enum class RouteKind { Decode, Encode, Download, Unknown };

struct Route {
  RouteKind kind = RouteKind::Unknown;
  std::string namespace_segment;  // "" when the path has none
};

Route parse_route(std::string_view path);

/// The path of a request target: itself, or for one in absolute form
/// ("http://host:8081/decode", RFC 9112 3.2.2, which a server must accept)
/// what follows its authority ("/decode"; "/" when nothing does). The host
/// it names is not ours to route by: it would otherwise be read as a
/// namespace.
std::string_view origin_form(std::string_view target);

/// "decode", "encode", "download" or "unknown", for logs.
const char* route_name(RouteKind kind);

/// The value of `preserveStorageRefs`, compared as Go's strings.EqualFold
/// with "true" (what the SDK's handler does).
bool is_true_flag(std::string_view value);

}  // namespace claimcheck::serve
