#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "base/text.hpp"
#include "serve/codec_server.hpp"
#include "serve/payloads_json.hpp"
#include "serve_fixture.hpp"

using namespace claimcheck;
using namespace claimcheck::serve;
using namespace claimcheck::serve::testing;

namespace {

constexpr const char* kUi = "http://localhost:8233";

struct ServerFixture : ServeFixture {
  CodecServer server;
  explicit ServerFixture(std::string token = "")
      : server(CodecServerOptions{{{kUi}, false, 600}, std::move(token), 4096}, routes) {}

  HttpResponse post(const std::string& path, const std::string& body, RequestLog* log = nullptr,
                    std::vector<std::pair<std::string, std::string>> extra = {}) {
    HttpRequest request;
    request.method = "POST";
    request.path = path;
    request.headers = {{"content-type", "application/json"}, {"X-Namespace", "default"}};
    for (auto& header : extra) request.headers.push_back(header);
    request.body = body;
    RequestLog scratch;
    return server.handle(request, log ? *log : scratch);
  }
};

std::string header(const HttpResponse& response, const std::string& name) {
  for (const auto& [key, value] : response.headers)
    if (key == name) return value;
  return "";
}

const std::string kOnePayload = R"({"payloads":[{"metadata":{"encoding":"anNvbi9wbGFpbg=="},"data":"eyJhIjoxfQ=="}]})";

}  // namespace

TEST_CASE("a decode answers 200 with protojson; the log line has the fields and no data") {
  ServerFixture f;
  RequestLog log;
  auto response = f.post("/decode", kOnePayload, &log);
  CHECK(response.status == 200);
  CHECK(response.content_type == "application/json; charset=utf-8");
  CHECK(parse_payloads(response.body.str())[0].data == R"({"a":1})");
  log.ms = 1.25;
  CHECK(format_log_line(log) == "serve ns=default route=decode status=200 payloads=1 in=" +
                                    std::to_string(kOnePayload.size()) + " out=" +
                                    std::to_string(response.body.size()) + " ms=1.2");
}

TEST_CASE("a log line's error keeps its end up to an error line's length, and says what was cut") {
  // The cause of a credentials failure comes after a long list of what was
  // tried: cut at 300 characters, the log lost it (nineteenth audit).
  RequestLog log;
  log.ns = "default";
  log.route = "decode";
  log.status = 503;
  const std::string tried(1500, 't');
  log.error = "no credentials: tried " + tried + "; instance metadata answered HTTP 500 \"busy\"";
  CHECK(format_log_line(log).ends_with(" error=\"no credentials: tried " + tried +
                                       "; instance metadata answered HTTP 500 \\\"busy\\\"\""));
  // Cut, the whole line still fits one message line (which the CLI would cut
  // again, losing the closing quote), and the count is of the error's bytes.
  log.error = std::string(1000, 'x') + std::string(2000, '"');
  const std::string line = format_log_line(log);
  CHECK(line.size() <= base::kMaxMessageBytes);
  const std::size_t kept_quotes = [&] {
    std::size_t n = 0;
    for (std::size_t at = line.find("\\\""); at != std::string::npos; at = line.find("\\\"", at + 2)) ++n;
    return n;
  }();
  CHECK(line.find(std::string(1000, 'x')) != std::string::npos);
  CHECK(line.ends_with("... (" + std::to_string(2000 - kept_quotes) + " more bytes)\""));
}

TEST_CASE("preflight: answered before auth, 204 for an allowed origin, 403 otherwise") {
  ServerFixture f("tok");
  HttpRequest preflight;
  preflight.method = "OPTIONS";
  preflight.path = "/decode";
  preflight.headers = {{"Origin", kUi}, {"Access-Control-Request-Method", "POST"}};
  RequestLog log;
  auto ok = f.server.handle(preflight, log);
  CHECK(ok.status == 204);
  CHECK(header(ok, "Access-Control-Allow-Origin") == kUi);
  CHECK(header(ok, "Access-Control-Allow-Methods") == "POST, OPTIONS");
  CHECK(header(ok, "Access-Control-Max-Age") == "600");
  CHECK(header(ok, "Vary") == "Origin");
  CHECK(log.route == "preflight");
  preflight.headers = {{"Origin", "http://evil.example"}};
  auto refused = f.server.handle(preflight, log);
  CHECK(refused.status == 403);
  CHECK(header(refused, "Access-Control-Allow-Origin").empty());
  CHECK(header(refused, "Vary") == "Origin");
}

TEST_CASE("CORS headers are on error responses too") {
  ServerFixture f;
  auto response = f.post("/decode", "not json", nullptr, {{"Origin", kUi}});
  CHECK(response.status == 400);
  CHECK(header(response, "Access-Control-Allow-Origin") == kUi);
  CHECK(response.body.str() == "claimcheck serve: request body: not JSON\n");
}

TEST_CASE("the rules in order: route, method, origin, token, content type, size, body") {
  ServerFixture f("s3cret");
  const std::pair<std::string, std::string> auth{"Authorization", "Bearer s3cret"};
  CHECK(f.post("/nothing", kOnePayload, nullptr, {auth}).status == 404);
  HttpRequest get;
  get.method = "GET";
  get.path = "/decode";
  RequestLog log;
  auto wrong_method = f.server.handle(get, log);
  CHECK(wrong_method.status == 405);
  CHECK(header(wrong_method, "Allow") == "POST, OPTIONS");
  CHECK(f.post("/decode", kOnePayload, nullptr, {auth, {"Origin", "http://evil.example"}}).status == 403);
  auto no_token = f.post("/decode", kOnePayload, &log);
  CHECK(no_token.status == 401);
  CHECK(header(no_token, "WWW-Authenticate") == "Bearer");
  CHECK(log.error == "missing or wrong bearer token");
  CHECK(f.post("/decode", kOnePayload, nullptr, {{"Authorization", "Bearer s3cre"}}).status == 401);
  CHECK(f.post("/decode", kOnePayload, nullptr, {{"authorization", "bearer s3cret"}}).status == 200);
  // Two tokens, in either order: which one counts is not guessed.
  auto twice = f.post("/decode", kOnePayload, &log, {auth, {"authorization", "Bearer nope"}});
  CHECK(twice.status == 400);
  CHECK(twice.body.str() == "claimcheck serve: more than one Authorization header\n");
  CHECK(f.post("/decode", kOnePayload, nullptr, {{"Authorization", "Bearer nope"}, auth}).status == 400);
  // Two origins, in either order: refused, and no origin is allowed in the
  // answer (the first, when allowed, had been served with 200).
  for (const auto& [first, second] : {std::pair{kUi, "http://evil.example"},
                                      std::pair{"http://evil.example", kUi}}) {
    auto two = f.post("/decode", kOnePayload, &log, {auth, {"Origin", first}, {"Origin", second}});
    CHECK(two.status == 400);
    CHECK(two.body.str() == "claimcheck serve: more than one Origin header\n");
    CHECK(header(two, "Access-Control-Allow-Origin").empty());
  }
  HttpRequest text = {"POST", "/decode", {}, {{"Content-Type", "text/plain"}, auth}, kOnePayload};
  CHECK(f.server.handle(text, log).status == 415);
  CHECK(f.post("/decode", std::string(5000, ' '), nullptr, {auth}).status == 413);
  HttpRequest declared = {"POST", "/decode", {}, {{"Content-Type", "application/json"}, auth,
                                                  {"Content-Length", "999999999"}}, ""};
  CHECK(f.server.check_before_body(declared, log)->status == 413);  // refused before any body is read
  CHECK(f.post("/decode", R"({"payloads":[{"data":7}]})", nullptr, {auth}).status == 400);
}

TEST_CASE("a length that cannot be trusted is 400 before the body; JSON is application/json in UTF-8 only") {
  ServerFixture f;
  RequestLog log;
  const auto check = [&](std::vector<std::pair<std::string, std::string>> headers) {
    HttpRequest request{"POST", "/decode", {}, std::move(headers), ""};
    request.headers.emplace_back("Content-Type", "application/json");
    auto refused = f.server.check_before_body(request, log);
    return refused ? refused->status : 0;
  };
  CHECK(check({{"Content-Length", "15"}, {"Content-Length", "2"}}) == 400);
  CHECK(log.error == "request framing: two Content-Length headers that differ");
  CHECK(check({{"Content-Length", "15"}, {"content-length", "15"}}) == 0);  // the same value twice is one
  CHECK(check({{"Content-Length", "4"}, {"Transfer-Encoding", "chunked"}}) == 400);
  CHECK(check({{"Transfer-Encoding", "gzip"}}) == 400);
  CHECK(check({{"Transfer-Encoding", "chunked"}}) == 0);
  CHECK(check({{"Content-Length", "-1"}}) == 400);
  CHECK(log.error == "request framing: Content-Length is not a number");
  CHECK(check({{"Content-Length", "99999999999999999999"}}) == 400);

  const auto status_for = [&](const std::string& type) {
    HttpRequest request{"POST", "/decode", {}, {{"Content-Type", type}}, kOnePayload};
    return f.server.handle(request, log).status;
  };
  CHECK(status_for("application/json") == 200);
  CHECK(status_for("Application/JSON; charset=UTF-8") == 200);
  CHECK(status_for("application/json;charset=\"utf-8\"") == 200);
  CHECK(status_for("application/jsonx") == 415);
  CHECK(status_for("application/json; charset=utf-16") == 415);
  // JSON that no double holds is not "not JSON".
  HttpResponse overflow = f.post("/decode", R"({"payloads":[],"x":1e400})", &log);
  CHECK(overflow.status == 400);
  CHECK(overflow.body.str() == "claimcheck serve: request body: a number in it is out of range\n");
}

TEST_CASE("the namespace: the path segment wins over X-Namespace; the log keeps it safe") {
  ServerFixture f;
  RequestLog log;
  f.post("/my-ns/decode", kOnePayload, &log);
  CHECK(log.ns == "my-ns");
  f.post("/decode", kOnePayload, &log, {{"X-Namespace", "ignored"}});
  CHECK(log.ns == "default");  // the first X-Namespace header
  CHECK(log_safe_namespace("a b\"\n") == "a?b??");
  CHECK(log_safe_namespace("") == "-");
}

TEST_CASE("a failure the client sees is short; its reason goes to the log only") {
  ServerFixture f;
  Reference ref = f.offload(std::string(3000, 'z'));
  std::filesystem::remove(f.object_path(ref));
  RequestLog log;
  auto response = f.post("/decode", write_payloads({f.reference_payload(ref)}), &log);
  CHECK(response.status == 404);
  CHECK(response.body.str() == "claimcheck serve: payloads[0]: object not found in the store\n");
  CHECK(log.error.find(ref.key) != std::string::npos);  // the operator learns which object
  CHECK(response.body.str().find(f.dir.path()) == std::string::npos);
}
