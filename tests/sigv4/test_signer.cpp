// Signer behaviour not covered by the published vectors: the signing-key
// cache, session-token modes, S3 rules, and input validation.
#include <doctest/doctest.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "base/encoding.hpp"
#include "sigv4/signer.hpp"

namespace {

using namespace std::chrono;

const std::string kSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const std::string kToken = "SESSION-TOKEN-DO-NOT-PRINT";

system_clock::time_point utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
  return sys_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi} + seconds{s};
}

sigv4::Credentials credentials(std::string token = {}) {
  return {"AKIAIOSFODNN7EXAMPLE", kSecret, std::move(token)};
}

sigv4::Request simple_request() {
  sigv4::Request request;
  request.method = "GET";
  request.host = "127.0.0.1:7480";
  request.path = "/bucket/key";
  return request;
}

sigv4::SigningConfig config_at(system_clock::time_point time) {
  sigv4::SigningConfig config;
  config.region = "us-east-1";
  config.time = time;
  return config;
}

std::string header(const sigv4::SigningResult& result, const std::string& name) {
  for (const auto& h : result.headers)
    if (h.name == name) return h.value;
  return {};
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1)
    out.push_back(text.substr(start, end - start));
  out.push_back(text.substr(start));
  return out;
}

// The message of the std::invalid_argument thrown by `action`.
template <typename Action>
std::string rejection(Action action) {
  try {
    action();
  } catch (const std::invalid_argument& error) {
    return error.what();
  }
  return "<not rejected>";
}

}  // namespace

TEST_CASE("the signing key is derived once per (date, region, service)") {
  const sigv4::Signer signer(credentials());
  const auto first = signer.signing_key("20130524", "us-east-1", "s3");
  // The key the S3 documentation's example signatures use.
  CHECK(base::hex_encode(*first) ==
        "dbb893acc010964918f1fd433add87c70e8b0db6be30c1fbeafefa5ec6ba8378");
  CHECK(signer.signing_key("20130524", "us-east-1", "s3") == first);  // same object

  const auto next_day = signer.signing_key("20130525", "us-east-1", "s3");
  CHECK(next_day != first);
  CHECK(*next_day != *first);
  CHECK(*signer.signing_key("20130524", "auto", "s3") != *first);
  CHECK(*signer.signing_key("20130524", "us-east-1", "service") != *first);

  SUBCASE("signing at another hour of the same day reuses the cached key") {
    signer.sign(simple_request(), config_at(utc(2013, 5, 24, 23, 59, 59)));
    CHECK(signer.signing_key("20130524", "us-east-1", "s3") == first);
  }
  SUBCASE("a long-lived signer keeps a bounded cache and still signs correctly") {
    for (unsigned day = 1; day <= 28; ++day) signer.sign(simple_request(), config_at(utc(2020, 2, day)));
    const auto again = signer.signing_key("20130524", "us-east-1", "s3");
    CHECK(again != first);    // evicted: the cache did not grow without bound
    CHECK(*again == *first);  // and derived again identically
  }
}

TEST_CASE("signatures do not depend on the key cache state or the thread") {
  const sigv4::Signer fresh_each_time_reference(credentials());
  const auto expected = fresh_each_time_reference.sign(simple_request(), config_at(utc(2021, 6, 1))).signature;
  const sigv4::Signer shared(credentials());
  std::vector<std::string> signatures(4);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < signatures.size(); ++i)
    threads.emplace_back([&, i] {
      for (int n = 0; n < 50; ++n) signatures[i] = shared.sign(simple_request(), config_at(utc(2021, 6, 1))).signature;
    });
  for (auto& thread : threads) thread.join();
  for (const auto& signature : signatures) CHECK(signature == expected);
}

TEST_CASE("header mode adds X-Amz-Date, x-amz-content-sha256 and Authorization") {
  const sigv4::Signer signer(credentials());
  auto request = simple_request();
  request.payload_hash = "UNSIGNED-PAYLOAD";
  const auto result = signer.sign(request, config_at(utc(2015, 8, 30, 12, 36)));
  REQUIRE(result.headers.size() == 3);
  CHECK(result.headers[0].name == "X-Amz-Date");
  CHECK(result.headers[0].value == "20150830T123600Z");
  CHECK(header(result, "x-amz-content-sha256") == "UNSIGNED-PAYLOAD");
  CHECK(header(result, "Authorization") ==
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20150830/us-east-1/s3/aws4_request, "
        "SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=" + result.signature);
  const auto canonical = lines(result.canonical_request);
  CHECK(canonical.at(4) == "x-amz-content-sha256:UNSIGNED-PAYLOAD");
  CHECK(canonical.back() == "UNSIGNED-PAYLOAD");
  CHECK(result.query_string.empty());
}

TEST_CASE("session token: signed by default, or added after signing") {
  const sigv4::Signer signer(credentials(kToken));
  auto config = config_at(utc(2015, 8, 30));
  const auto signed_token = signer.sign(simple_request(), config);
  CHECK(header(signed_token, "X-Amz-Security-Token") == kToken);
  CHECK(signed_token.canonical_request.find("x-amz-security-token:" + kToken + "\n") != std::string::npos);
  CHECK(header(signed_token, "Authorization").find("x-amz-date;x-amz-security-token") != std::string::npos);

  config.omit_session_token_from_signature = true;
  const auto token_after = signer.sign(simple_request(), config);
  CHECK(header(token_after, "X-Amz-Security-Token") == kToken);
  CHECK(token_after.canonical_request.find(kToken) == std::string::npos);
  CHECK(token_after.signature != signed_token.signature);
}

TEST_CASE("presign: X-Amz-* query, token signed or appended, signature last") {
  auto request = simple_request();
  request.payload_hash = "UNSIGNED-PAYLOAD";
  request.query = {{"versionId", "a b"}};
  auto config = config_at(utc(2013, 5, 24));
  config.expires = seconds(604800);
  const sigv4::Signer signer(credentials(kToken));

  const auto presigned = signer.presign(request, config);
  const auto canonical_query = lines(presigned.canonical_request).at(2);
  CHECK(canonical_query ==
        "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2F"
        "us-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=604800&"
        "X-Amz-Security-Token=SESSION-TOKEN-DO-NOT-PRINT&X-Amz-SignedHeaders=host&versionId=a%20b");
  CHECK(presigned.query_string == canonical_query + "&X-Amz-Signature=" + presigned.signature);
  CHECK(presigned.headers.empty());

  config.omit_session_token_from_signature = true;
  const auto token_after = signer.presign(request, config);
  CHECK(token_after.canonical_request.find(kToken) == std::string::npos);
  CHECK(token_after.query_string.ends_with("&X-Amz-Security-Token=" + kToken +
                                           "&X-Amz-Signature=" + token_after.signature));
}

TEST_CASE("the path is encoded once, '/' kept, never normalised") {
  const sigv4::Signer signer(credentials());
  auto request = simple_request();
  request.path = "/bucket/a//b/./../c d+%2F\xC3\xA9";
  const auto canonical = lines(signer.sign(request, config_at(utc(2020, 1, 1))).canonical_request);
  CHECK(canonical.at(1) == "/bucket/a//b/./../c%20d%2B%252F%C3%A9");
}

TEST_CASE("requests that cannot be signed are rejected with a precise message") {
  const sigv4::Signer signer(credentials(kToken));
  const auto config = config_at(utc(2020, 1, 1));
  auto with = [&](auto change) {
    auto request = simple_request();
    change(request);
    return rejection([&] { signer.sign(request, config); });
  };
  CHECK(with([](auto& r) { r.method = ""; }) == "cannot sign request: invalid HTTP method ''");
  CHECK(with([](auto& r) { r.method = "G T"; }) == "cannot sign request: invalid HTTP method 'G T'");
  CHECK(with([](auto& r) { r.host = ""; }) == "cannot sign request: no host");
  CHECK(with([](auto& r) { r.path = "bucket/key"; }) ==
        "cannot sign request: the path does not start with '/'");
  CHECK(with([](auto& r) { r.payload_hash = "ABC"; }) ==
        "cannot sign request: the payload hash is neither 64 lower-case hex digits nor UNSIGNED-PAYLOAD");
  CHECK(with([](auto& r) { r.headers = {{"Bad Name", "v"}}; }) ==
        "cannot sign request: invalid header name 'Bad Name'");
  CHECK(with([](auto& r) { r.headers = {{"x-amz-meta-a", "v\r\nInjected: 1"}}; }) ==
        "cannot sign request: the value of header 'x-amz-meta-a' contains CR, LF or NUL");
  for (const char* reserved : {"Host", "Authorization", "X-Amz-Date", "x-amz-content-sha256",
                               "X-Amz-Security-Token"})
    CHECK(with([&](auto& r) { r.headers = {{reserved, "v"}}; }) ==
          std::string("cannot sign request: header '") + reserved + "' is set by the signer");

  auto bad_region = config;
  bad_region.region = "us/east";
  CHECK(rejection([&] { signer.sign(simple_request(), bad_region); }) ==
        "cannot sign request: invalid region 'us/east'");

  CHECK(rejection([] { sigv4::Signer({"", kSecret, ""}).sign(simple_request(), config_at({})); }) ==
        "cannot sign request: no access key id");
  CHECK(rejection([] { sigv4::Signer({"AKID", "", ""}).sign(simple_request(), config_at({})); }) ==
        "cannot sign request: no secret access key");
}

TEST_CASE("presign rejects out-of-range lifetimes and its own parameters in the query") {
  const sigv4::Signer signer(credentials());
  auto config = config_at(utc(2020, 1, 1));
  config.expires = seconds(0);
  CHECK(rejection([&] { signer.presign(simple_request(), config); }) ==
        "cannot sign request: a presigned URL lifetime must be 1 s .. 7 days, not 0 s");
  config.expires = seconds(604801);
  CHECK(rejection([&] { signer.presign(simple_request(), config); }) ==
        "cannot sign request: a presigned URL lifetime must be 1 s .. 7 days, not 604801 s");
  config.expires = seconds(1);
  auto request = simple_request();
  request.query = {{"X-Amz-Signature", "forged"}};
  CHECK(rejection([&] { signer.presign(request, config); }) ==
        "cannot sign request: query parameter 'X-Amz-Signature' is set by the signer");
  CHECK_NOTHROW(signer.presign(simple_request(), config));
}

TEST_CASE("no rejection message contains the secret key or the session token") {
  const sigv4::Signer signer({"AKID", kSecret, kToken});
  auto request = simple_request();
  request.headers = {{"x-amz-security-token", kToken}};
  const auto message = rejection([&] { signer.sign(request, config_at({})); });
  CHECK(message != "<not rejected>");
  CHECK(message.find(kToken) == std::string::npos);
  CHECK(message.find(kSecret) == std::string::npos);
}
