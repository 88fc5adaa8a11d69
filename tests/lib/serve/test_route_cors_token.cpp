#include <sys/stat.h>

#include <doctest/doctest.h>

#include "config/setting_values.hpp"
#include "core/error.hpp"
#include "serve/bearer_token.hpp"
#include "serve/cors.hpp"
#include "serve/listen_address.hpp"
#include "serve/route.hpp"
#include "test_support.hpp"

using namespace claimcheck;
using namespace claimcheck::serve;

TEST_CASE("the last path segment decides the route; the one before it is the namespace") {
  CHECK(parse_route("/decode").kind == RouteKind::Decode);
  CHECK(parse_route("//decode").kind == RouteKind::Decode);  // endpoint with a trailing '/'
  CHECK(parse_route("/codec/prefix/encode").kind == RouteKind::Encode);
  CHECK(parse_route("/download/").kind == RouteKind::Download);
  CHECK(parse_route("/default/decode").namespace_segment == "default");
  CHECK(parse_route("/decode").namespace_segment.empty());
  CHECK(parse_route("/decode/x").kind == RouteKind::Unknown);
  CHECK(parse_route("/").kind == RouteKind::Unknown);
  CHECK(parse_route("").kind == RouteKind::Unknown);
  CHECK(parse_route("/Decode").kind == RouteKind::Unknown);
}

TEST_CASE("a target in absolute form routes by its path; its host is no namespace") {
  CHECK(origin_form("/team/decode") == "/team/decode");
  CHECK(origin_form("http://evil/decode") == "/decode");
  CHECK(origin_form("https://h:8081/team/decode") == "/team/decode");
  CHECK(origin_form("http://evil") == "/");
  CHECK(parse_route(origin_form("http://evil/decode")).namespace_segment.empty());
  CHECK(origin_form("*") == "*");  // OPTIONS * and other forms: as they are (no route)
  CHECK(origin_form("") == "");
}

TEST_CASE("preserveStorageRefs is compared as Go's EqualFold") {
  CHECK(is_true_flag("true"));
  CHECK(is_true_flag("TRUE"));
  CHECK(is_true_flag("True"));
  CHECK_FALSE(is_true_flag("1"));
  CHECK_FALSE(is_true_flag(""));
  CHECK_FALSE(is_true_flag("truee"));
}

TEST_CASE("CORS: Vary always; allow headers only for an allowed origin") {
  CorsPolicy cors({{"http://localhost:8233", "https://cloud.temporal.io/"}, false, 600});
  CHECK(cors.allows("https://cloud.temporal.io"));  // configured with a trailing '/'
  CHECK_FALSE(cors.allows("http://localhost:8234"));
  CHECK_FALSE(cors.allows(""));
  CHECK(cors.response_headers("http://evil.example") == HeaderList{{"Vary", "Origin"}});
  CHECK(cors.response_headers("http://localhost:8233") ==
        HeaderList{{"Vary", "Origin"}, {"Access-Control-Allow-Origin", "http://localhost:8233"}});
  const HeaderList preflight = cors.preflight_headers();
  CHECK(preflight[1] == std::pair<std::string, std::string>{
                            "Access-Control-Allow-Headers",
                            "Content-Type, X-Namespace, Authorization, Authorization-Extras"});
  CHECK(preflight[2].second == "600");
  CorsPolicy with_credentials({{"http://a:1"}, true, 60});
  CHECK(with_credentials.response_headers("http://a:1").back() ==
        std::pair<std::string, std::string>{"Access-Control-Allow-Credentials", "true"});
}

TEST_CASE("bearer token: scheme case-insensitive, exact token") {
  BearerToken token("s3cret-token");
  CHECK(token.required());
  CHECK(token.accepts("Bearer s3cret-token"));
  CHECK(token.accepts("bearer s3cret-token"));
  CHECK(token.accepts("  Bearer   s3cret-token  "));
  CHECK_FALSE(token.accepts("Bearer s3cret-tokeN"));
  CHECK_FALSE(token.accepts("Bearer s3cret-token2"));
  CHECK_FALSE(token.accepts("s3cret-token"));
  CHECK_FALSE(token.accepts("Basic s3cret-token"));
  CHECK_FALSE(token.accepts(""));
  BearerToken none("");
  CHECK_FALSE(none.required());
  CHECK(none.accepts(""));
}

TEST_CASE("token file: first line, trimmed; empty or missing is a usage error") {
  testing::TempFile file;
  file.write("  tok-123 \nsecond line\n");
  CHECK(read_token_file(file.path) == "tok-123");
  file.write("\n");
  CHECK_THROWS_AS(read_token_file(file.path), Error);
  CHECK_THROWS_AS(read_token_file("/nonexistent/token"), Error);
}

TEST_CASE("token file: one every user may read is warned about") {
  testing::TempFile file;
  file.write("tok-123\n");
  ::chmod(file.path.c_str(), 0600);
  CHECK_FALSE(token_file_exposure(file.path));
  ::chmod(file.path.c_str(), 0640);
  CHECK_FALSE(token_file_exposure(file.path));
  ::chmod(file.path.c_str(), 0644);
  const auto warning = token_file_exposure(file.path);
  REQUIRE(warning);
  CHECK(*warning == "warning: token file " + file.path + " is readable by every user (mode 0644): chmod 600 " +
                        file.path);
}

TEST_CASE("listen address and the loopback rule") {
  CHECK(parse_listen_address("127.0.0.1:8081", "--listen").port == 8081);
  CHECK(parse_listen_address("[::1]:0", "--listen").host == "::1");
  CHECK(parse_listen_address("localhost:9", "--listen").host == "localhost");
  CHECK_THROWS_AS(parse_listen_address("8081", "--listen"), Error);
  CHECK_THROWS_AS(parse_listen_address("h:99999", "--listen"), Error);
  CHECK_THROWS_AS(parse_listen_address(":80", "--listen"), Error);
  CHECK(is_loopback("127.0.0.1"));
  CHECK(is_loopback("127.9.9.9"));
  CHECK(is_loopback("::1"));
  CHECK(is_loopback("localhost"));
  CHECK_FALSE(is_loopback("0.0.0.0"));
  CHECK_FALSE(is_loopback("10.1.2.3"));
  CHECK_FALSE(is_loopback("::"));

  CHECK(format_listen_address(parse_listen_address("[::1]:80", "--listen")) == "[::1]:80");

  ServeSettings settings;
  settings.listen = {"127.0.0.1", 1};
  CHECK_FALSE(check_exposure(settings));
  settings.listen = {"0.0.0.0", 1};
  CHECK_THROWS_AS(check_exposure(settings), Error);
  settings.tls_cert_file = "c";
  settings.tls_key_file = "k";
  CHECK_THROWS_AS(check_exposure(settings), Error);  // TLS but no token
  settings.token_file = "t";
  CHECK_FALSE(check_exposure(settings));
  ServeSettings insecure;
  insecure.listen = {"0.0.0.0", 1};
  insecure.insecure = true;
  auto warning = check_exposure(insecure);
  REQUIRE(warning);
  CHECK(warning->find("without TLS or a token") != std::string::npos);
}
