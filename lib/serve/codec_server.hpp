// The codec server's HTTP rules, in the order a request meets them:
//  1. CORS headers on every response (Vary: Origin always; the allow
//     headers for an allowed origin);
//  2. OPTIONS: the preflight, answered before authentication (it carries no
//     credentials): 204 for an allowed origin, 403 otherwise;
//  3. the route from the last path segment (404 when it names none), POST
//     only (405 with Allow);
//  4. an Origin that is not allowed: 403 (a page elsewhere cannot make the
//     server work for it, even where the browser would hide the answer);
//  5. the bearer token when one is configured: 401;
//  6. Content-Type application/json (415) and the body cap (413);
//  7. the Payloads body (400 when it is not one), then the route, on the
//     store of the request's namespace (namespace_routes.hpp).
// Failures answer with a short text; the log line gets the reason.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "serve/bearer_token.hpp"
#include "serve/codec_routes.hpp"
#include "serve/cors.hpp"
#include "serve/http_exchange.hpp"
#include "serve/namespace_routes.hpp"

namespace claimcheck::serve {

struct CodecServerOptions {
  CorsSettings cors;
  std::string token;                       // "" = no token required
  std::uint64_t body_limit{};              // request bodies larger than this: 413 (setting max_body)
};

class CodecServer {
 public:
  /// Every namespace answered by `routes`.
  CodecServer(const CodecServerOptions& options, CodecRoutes& routes);
  CodecServer(const CodecServerOptions& options, NamespaceRoutes routes);

  /// The whole request. Never throws; fills `log` (but for `ms`, which the
  /// caller measures).
  HttpResponse handle(const HttpRequest& request, RequestLog& log) const;

  /// Steps 1-6 on a request whose body has not been read (the binding calls
  /// this first, so nothing is read for a request that is refused anyway).
  /// A response means: answer with it, do not read the body.
  std::optional<HttpResponse> check_before_body(const HttpRequest& request, RequestLog& log) const;

  /// Step 7, after check_before_body passed and the body was read.
  HttpResponse handle_body(const HttpRequest& request, RequestLog& log) const;

  /// A failure answered by the binding itself (body over the cap, body not
  /// received), with the same CORS headers and log fields.
  HttpResponse reject(const HttpRequest& request, int status, const std::string& message,
                      RequestLog& log) const;

  std::uint64_t body_limit() const { return body_limit_; }

 private:
  std::optional<HttpResponse> check_codec_request(const HttpRequest& request, RequestLog& log) const;
  HttpResponse finish(const HttpRequest& request, HttpResponse response, RequestLog& log) const;

  CorsPolicy cors_;
  BearerToken token_;
  std::uint64_t body_limit_;
  NamespaceRoutes routes_;
};

}  // namespace claimcheck::serve
