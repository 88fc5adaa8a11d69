#include "serve/codec_server.hpp"

#include "base/text.hpp"
#include "core/error.hpp"
#include "serve/http_error.hpp"
#include "serve/payloads_json.hpp"
#include "serve/route.hpp"

namespace claimcheck::serve {
namespace {

HttpResponse text_response(int status, const std::string& message) {
  HttpResponse response;
  response.status = status;
  response.content_type = kPlainTextType;
  response.body = plain_text_body(message);
  return response;
}

/// application/json, with at most a charset parameter of UTF-8, the only
/// encoding JSON text has (RFC 8259 8.1).
bool is_json_content_type(const std::string& value) {
  const std::string lower = base::to_lower(value);
  const std::size_t semicolon = lower.find(';');
  if (base::trim(std::string_view(lower).substr(0, semicolon)) != "application/json") return false;
  if (semicolon == std::string::npos) return true;
  const std::string_view parameter = base::trim(std::string_view(lower).substr(semicolon + 1));
  return parameter.empty() || parameter == "charset=utf-8" || parameter == "charset=\"utf-8\"";
}

/// Why the request's length cannot be trusted (RFC 9112 6.3), "" when it
/// can: Content-Length twice with different values, or not a number, or
/// beside Transfer-Encoding; a Transfer-Encoding other than chunked.
std::string framing_problem(const HttpRequest& request) {
  std::string length;
  bool has_length = false, has_transfer_encoding = false;
  for (const auto& [name, value] : request.headers) {
    if (base::to_lower(name) == "transfer-encoding") {
      if (has_transfer_encoding || base::to_lower(std::string(base::trim(value))) != "chunked")
        return "Transfer-Encoding other than one chunked";
      has_transfer_encoding = true;
    }
    if (base::to_lower(name) != "content-length") continue;
    const std::string_view number = base::trim(value);
    if (number.empty() || number.size() > 19 || number.find_first_not_of("0123456789") != std::string_view::npos)
      return "Content-Length is not a number";
    if (has_length && number != length) return "two Content-Length headers that differ";
    length = number;
    has_length = true;
  }
  if (has_length && has_transfer_encoding) return "both Content-Length and Transfer-Encoding";
  return {};
}

/// The path segment wins over X-Namespace (as temporal-proxy does).
std::string request_namespace(const HttpRequest& request, const Route& route) {
  return route.namespace_segment.empty() ? request.header("X-Namespace") : route.namespace_segment;
}

std::string query_value(const HttpRequest& request, const std::string& name) {
  auto it = request.query.find(name);
  return it == request.query.end() ? std::string() : it->second;
}

HttpResponse failure(const HttpError& e, RequestLog& log) {
  log.error = e.detail().empty() ? e.what() : std::string(e.what()) + " (" + e.detail() + ")";
  return text_response(e.status(), e.what());
}

}  // namespace

CodecServer::CodecServer(const CodecServerOptions& options, CodecRoutes& routes)
    : CodecServer(options, NamespaceRoutes(routes)) {}

CodecServer::CodecServer(const CodecServerOptions& options, NamespaceRoutes routes)
    : cors_(options.cors), token_(options.token), body_limit_(options.body_limit), routes_(std::move(routes)) {}

HttpResponse CodecServer::handle(const HttpRequest& request, RequestLog& log) const {
  if (auto refused = check_before_body(request, log)) return *refused;
  return handle_body(request, log);
}

std::optional<HttpResponse> CodecServer::check_before_body(const HttpRequest& request, RequestLog& log) const {
  const Route route = parse_route(request.path);
  log.route = route_name(route.kind);
  log.ns = log_safe_namespace(request_namespace(request, route));
  // Which of two origins counts is not for a server to guess either: the
  // answer would depend on their order (RFC 6454 7: one Origin).
  if (request.header_count("Origin") > 1)
    return finish(request, failure(HttpError(400, "more than one Origin header"), log), log);
  if (request.method == "OPTIONS") {
    log.route = "preflight";
    const bool allowed = cors_.allows(request.header("Origin"));
    if (!allowed) log.error = "preflight from an origin not in the allowlist";
    return finish(request, allowed ? HttpResponse{204, cors_.preflight_headers(), "", ""}
                                   : text_response(403, "origin not allowed"), log);
  }
  if (auto refused = check_codec_request(request, log)) return finish(request, std::move(*refused), log);
  return std::nullopt;
}

std::optional<HttpResponse> CodecServer::check_codec_request(const HttpRequest& request, RequestLog& log) const {
  const Route route = parse_route(request.path);
  const std::string origin = request.header("Origin");
  if (const std::string why = framing_problem(request); !why.empty())
    return failure(HttpError(400, "request framing: " + why), log);
  if (route.kind == RouteKind::Unknown)
    return failure(HttpError(404, "no such route (use /decode, /encode or /download)"), log);
  if (request.method != "POST") {
    HttpResponse response = text_response(405, "use POST");
    response.headers.emplace_back("Allow", "POST, OPTIONS");
    log.error = "method not allowed";
    return response;
  }
  if (!origin.empty() && !cors_.allows(origin))
    return failure(HttpError(403, "origin not allowed", "origin not in the allowlist"), log);
  // Which of two tokens counts is not for a server to guess (RFC 9110 11.6.2: one credential).
  if (request.header_count("Authorization") > 1) return failure(HttpError(400, "more than one Authorization header"), log);
  if (!token_.accepts(request.header("Authorization"))) {
    HttpResponse response = text_response(401, "a valid bearer token is required");
    response.headers.emplace_back("WWW-Authenticate", "Bearer");
    log.error = "missing or wrong bearer token";
    return response;
  }
  if (!is_json_content_type(request.header("Content-Type")))
    return failure(HttpError(415, "Content-Type must be application/json"), log);
  const std::string length(base::trim(request.header("Content-Length")));  // a number: framing_problem
  if (!length.empty() && std::stoull(length) > body_limit_)
    return failure(HttpError(413, "request body is larger than " + std::to_string(body_limit_) + " bytes"), log);
  return std::nullopt;
}

HttpResponse CodecServer::handle_body(const HttpRequest& request, RequestLog& log) const {
  log.bytes_in = request.body.size();
  HttpResponse response;
  try {
    if (request.body.size() > body_limit_)
      throw HttpError(413, "request body is larger than " + std::to_string(body_limit_) + " bytes");
    std::vector<Payload> payloads;
    try {
      payloads = parse_payloads(request.body);
    } catch (const Error& e) {
      throw HttpError(400, e.what_failed() + ": " + e.why());
    }
    log.payloads = payloads.size();
    const bool preserve = is_true_flag(query_value(request, "preserveStorageRefs"));
    std::vector<OutgoingPayload> out;
    const Route route = parse_route(request.path);
    CodecRoutes& routes = routes_.for_namespace(request_namespace(request, route));
    switch (route.kind) {
      case RouteKind::Decode: out = routes.decode_for_response(payloads, preserve); break;
      case RouteKind::Download: out = routes.download_for_response(payloads); break;
      case RouteKind::Encode:
        for (auto& payload : routes.encode(payloads)) out.push_back({std::move(payload), nullptr});
        break;
      case RouteKind::Unknown: break;
    }
    // "; charset=utf-8" also keeps cpp-httplib from brotli-compressing the
    // body at quality 11 whenever a browser accepts br (seconds per MiB).
    response.content_type = "application/json; charset=utf-8";
    response.body = write_payloads(out);
  } catch (const HttpError& e) {
    response = failure(e, log);
  } catch (const std::exception& e) {
    log.error = e.what();
    response = text_response(500, "internal error");
  }
  return finish(request, std::move(response), log);
}

HttpResponse CodecServer::reject(const HttpRequest& request, int status, const std::string& message,
                                 RequestLog& log) const {
  log.error = message;
  return finish(request, text_response(status, message), log);
}

HttpResponse CodecServer::finish(const HttpRequest& request, HttpResponse response, RequestLog& log) const {
  // Two origins allow none (the request is refused above).
  const std::string origin = request.header_count("Origin") == 1 ? request.header("Origin") : "";
  for (auto& header : cors_.response_headers(origin)) response.headers.push_back(std::move(header));
  log.status = response.status;
  log.bytes_out = response.body.size();
  return response;
}

}  // namespace claimcheck::serve
