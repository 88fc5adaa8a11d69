// One HTTP request and its response, as the codec server sees them: plain
// values, so every rule (CORS, auth, routing, limits, errors) is tested
// without a socket. The HTTP library binding fills and sends these.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "serve/cors.hpp"
#include "serve/response_body.hpp"

namespace claimcheck::serve {

struct HttpRequest {
  std::string method;
  std::string path;                              // without the query
  std::map<std::string, std::string> query;      // decoded parameters
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  /// The first header of that name (case-insensitive), or "".
  std::string header(std::string_view name) const;
  /// How many headers have that name (case-insensitive).
  std::size_t header_count(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  HeaderList headers;
  std::string content_type;
  ResponseBody body;
};

/// What the one log line per request says. Never payload data or tokens.
struct RequestLog {
  std::string ns;     // sanitised namespace, "-" when none
  std::string route;  // decode, encode, download, unknown, preflight
  int status = 0;
  std::size_t payloads = 0;
  std::uint64_t bytes_in = 0;
  std::uint64_t bytes_out = 0;
  double ms = 0;
  std::string error;  // the reason of a failure, for the operator
};

/// Every plain-text answer's type, and its body: "claimcheck serve: " and
/// the message, cut at 300 bytes (what a client is told stays short).
inline constexpr std::string_view kPlainTextType = "text/plain; charset=utf-8";
std::string plain_text_body(std::string_view message);

/// `serve ns=default route=decode status=200 payloads=3 in=512 out=1048700 ms=4.2`
/// (plus ` error="..."`), one line, printable ASCII only.
std::string format_log_line(const RequestLog& log);

/// A client-supplied namespace made safe for a log line: at most 100
/// characters of [A-Za-z0-9._@-], anything else as '?'; "-" when empty.
std::string log_safe_namespace(std::string_view ns);

}  // namespace claimcheck::serve
