// The S3 client's pure helpers: backoff, what is retryable, redaction,
// endpoints and addressing, error messages, GetObject resumption.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <ctime>
#include <string>
#include <vector>

#include "clock_skew.hpp"
#include "endpoint.hpp"
#include "get_resume.hpp"
#include "redact.hpp"
#include "retry.hpp"
#include "sigv4/s3_client.hpp"

using namespace sigv4;
using std::chrono::milliseconds;

TEST_CASE("full-jitter backoff stays under an exponential ceiling and the cap") {
  const BackoffPolicy policy{milliseconds(100), milliseconds(5000)};
  CHECK(backoff_delay(policy, 1, 0.0) == milliseconds(0));
  CHECK(backoff_delay(policy, 1, 0.5) == milliseconds(50));
  CHECK(backoff_delay(policy, 2, 0.5) == milliseconds(100));
  CHECK(backoff_delay(policy, 3, 0.999) == milliseconds(399));
  CHECK(backoff_delay(policy, 7, 0.999) == milliseconds(4995));  // 6400 capped at 5000
  CHECK(backoff_delay(policy, 1000, 0.5) == milliseconds(2500));  // no overflow
}

TEST_CASE("random_unit draws in [0, 1)") {
  for (int i = 0; i < 1000; ++i) {
    const double value = random_unit();
    REQUIRE(value >= 0.0);
    REQUIRE(value < 1.0);
  }
}

TEST_CASE("server errors, throttling and timeouts are retried; other 4xx are not") {
  CHECK(retryable_status(500, "InternalError"));
  CHECK(retryable_status(503, "SlowDown"));
  CHECK(retryable_status(502, ""));
  CHECK(retryable_status(429, ""));
  CHECK(retryable_status(400, "RequestTimeout"));
  CHECK(retryable_status(200, "SlowDown"));
  CHECK_FALSE(retryable_status(400, "InvalidArgument"));
  CHECK_FALSE(retryable_status(403, "SignatureDoesNotMatch"));
  CHECK_FALSE(retryable_status(403, "AccessDenied"));
  CHECK_FALSE(retryable_status(404, "NoSuchKey"));
  CHECK_FALSE(retryable_status(411, "MissingContentLength"));
}

TEST_CASE("throttling answers are told apart from other failures") {
  CHECK(throttling_status(503, "SlowDown"));
  CHECK(throttling_status(429, ""));
  CHECK(throttling_status(400, "Throttling"));
  CHECK_FALSE(throttling_status(500, "InternalError"));
  CHECK_FALSE(throttling_status(400, "RequestTimeout"));
}

TEST_CASE("retry quota: retries take tokens, successes give them back up to the capacity") {
  RetryQuota quota(12);
  CHECK(quota.acquire(RetryQuota::kRetryCost));
  CHECK(quota.acquire(RetryQuota::kRetryCost));
  CHECK_FALSE(quota.acquire(RetryQuota::kRetryCost));
  CHECK(quota.available() == 2);
  quota.release(100);
  CHECK(quota.available() == 12);
  RetryQuota unlimited(0);
  for (int i = 0; i < 1000; ++i) CHECK(unlimited.acquire(RetryQuota::kTimeoutRetryCost));
}

TEST_CASE("deadline: none when 0; otherwise the time left, and whether a wait leaves room for an attempt") {
  const Deadline none(milliseconds(0));
  CHECK(none.remaining() == milliseconds(0));
  CHECK_FALSE(none.passed_after(milliseconds(1000000)));
  const Deadline minute(milliseconds(60000));
  CHECK(minute.remaining() > milliseconds(0));
  CHECK(minute.remaining() <= milliseconds(60000));
  CHECK(minute.passed_after(milliseconds(60000)));
  CHECK_FALSE(minute.passed_after(milliseconds(0)));
  // Too little would be left for an attempt: curl's clock may already be there.
  CHECK(minute.passed_after(milliseconds(60000) - Deadline::kShortestAttempt / 2));
}

TEST_CASE("connection failures and cut bodies are retried; TLS verification is not") {
  CHECK(retryable_transport(CURLE_COULDNT_CONNECT, 0));
  CHECK(retryable_transport(CURLE_RECV_ERROR, 0));
  CHECK(retryable_transport(CURLE_SEND_ERROR, 0));
  CHECK(retryable_transport(CURLE_PARTIAL_FILE, 0));
  CHECK(retryable_transport(CURLE_OPERATION_TIMEDOUT, 0));
  CHECK(retryable_transport(CURLE_GOT_NOTHING, 0));
  CHECK_FALSE(retryable_transport(CURLE_PEER_FAILED_VERIFICATION, 0));
  CHECK_FALSE(retryable_transport(CURLE_URL_MALFORMAT, 0));
  CHECK_FALSE(retryable_transport(CURLE_ABORTED_BY_CALLBACK, 0));
  CHECK(transport_error_code(CURLE_COULDNT_CONNECT, 0) == "ConnectionFailed");
  CHECK(transport_error_code(CURLE_OPERATION_TIMEDOUT, 0) == "Timeout");
  CHECK(transport_error_code(CURLE_PEER_FAILED_VERIFICATION, 0) == "TlsError");
}

TEST_CASE("a process out of file descriptors is told so, and not retried") {
  CHECK_FALSE(retryable_transport(CURLE_COULDNT_CONNECT, EMFILE));
  CHECK_FALSE(retryable_transport(CURLE_COULDNT_CONNECT, ENFILE));
  CHECK(retryable_transport(CURLE_COULDNT_CONNECT, ECONNREFUSED));
  CHECK(transport_error_code(CURLE_COULDNT_CONNECT, EMFILE) == "TooManyOpenFiles");
  CHECK(transport_error_code(CURLE_COULDNT_CONNECT, ECONNREFUSED) == "ConnectionFailed");
}

TEST_CASE("signatures, credentials and tokens are redacted in both header and query form") {
  const std::string header =
      "Authorization: AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/s3/aws4_request, "
      "SignedHeaders=host;x-amz-date, Signature=0123456789abcdef\r\nHost: h\r\n";
  const std::string redacted = redact_secrets(header);
  CHECK(redacted == "Authorization:<redacted>\r\nHost: h\r\n");

  const std::string url =
      "GET /b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20240101&"
      "X-Amz-Security-Token=TOKEN123&X-Amz-Signature=feedface -> 200";
  CHECK(redact_secrets(url) ==
        "GET /b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=<redacted>&"
        "X-Amz-Security-Token=<redacted>&X-Amz-Signature=<redacted> -> 200");
  CHECK(redact_secrets("x-amz-security-token: abc") == "x-amz-security-token:<redacted>");
  CHECK(redact_secrets("... signature=deadbeef, more") == "... signature=<redacted>, more");
  CHECK(redact_secrets("PUT /bucket/key -> 200, 3 ms") == "PUT /bucket/key -> 200, 3 ms");
}

TEST_CASE("endpoints: scheme, host and port; AWS by default; anything else refused") {
  const Endpoint local = parse_endpoint("http://127.0.0.1:7480/", "us-east-1");
  CHECK(local.scheme == "http");
  CHECK(local.host == "127.0.0.1:7480");
  const Endpoint aws = parse_endpoint("", "eu-west-1");
  CHECK(aws.scheme == "https");
  CHECK(aws.host == "s3.eu-west-1.amazonaws.com");
  CHECK(parse_endpoint("https://acct.r2.cloudflarestorage.com", "auto").host ==
        "acct.r2.cloudflarestorage.com");
  CHECK_THROWS_AS(parse_endpoint("127.0.0.1:7480", "us-east-1"), std::invalid_argument);
  CHECK_THROWS_AS(parse_endpoint("ftp://host", "us-east-1"), std::invalid_argument);
  CHECK_THROWS_AS(parse_endpoint("http://host/base", "us-east-1"), std::invalid_argument);
  CHECK_THROWS_AS(parse_endpoint("http://user@host", "us-east-1"), std::invalid_argument);
  CHECK_THROWS_AS(parse_endpoint("", "auto"), std::invalid_argument);
}

TEST_CASE("path-style and virtual-hosted addresses; the key is encoded once, '/' kept") {
  const Endpoint endpoint{"http", "127.0.0.1:7480"};
  const Address path_style = address_of(endpoint, false, "bkt", "a b+c/../d%e");
  CHECK(path_style.host == "127.0.0.1:7480");
  CHECK(path_style.path == "/bkt/a b+c/../d%e");
  CHECK(url_of(endpoint, path_style, {}) == "http://127.0.0.1:7480/bkt/a%20b%2Bc/../d%25e");
  const Address hosted = address_of(endpoint, true, "bkt", "k/\xC3\xBC");
  CHECK(hosted.host == "bkt.127.0.0.1:7480");
  CHECK(url_of(endpoint, hosted, {{"uploadId", "2~x/y"}, {"uploads", ""}}) ==
        "http://bkt.127.0.0.1:7480/k/%C3%BC?uploadId=2~x%2Fy&uploads=");
  CHECK(address_of(endpoint, false, "bkt", "").path == "/bkt");
}

TEST_CASE("an S3Error says what failed and why, even when the server's message is empty") {
  const S3Error signature(403, "SignatureDoesNotMatch", "", "tx-1", "PutObject b/k");
  CHECK(std::string(signature.what()) ==
        "PutObject b/k failed: HTTP 403 SignatureDoesNotMatch: the request signature does not "
        "match; check the secret access key (request id tx-1)");
  CHECK(signature.reason() == "the request signature does not match; check the secret access key");
  CHECK(S3Error(500, "InternalError", "boom", "", "op").reason() == "boom");
  // STS's codes, which radosgw sends without a Message.
  CHECK(S3Error(400, "ExpiredToken", "", "", "op").reason() == "the session token has expired");
  CHECK(S3Error(400, "InvalidArgument", "", "", "op").reason() == "an argument of the request is not valid");
  CHECK_FALSE(signature.not_found());
  CHECK_FALSE(signature.transport());
  const S3Error missing(404, "NotFound", "", "", "HeadObject b/k");
  CHECK(missing.not_found());
  const S3Error refused(0, "ConnectionFailed", "Failed to connect to 127.0.0.1 port 1", "",
                        "GetObject b/k");
  CHECK(refused.transport());
  CHECK(std::string(refused.what()) ==
        "GetObject b/k failed: ConnectionFailed: Failed to connect to 127.0.0.1 port 1");
}

TEST_CASE("a server's error text is kept to 512 bytes, never cut inside a UTF-8 character") {
  const std::string huge(100000, 'm');
  const S3Error long_message(403, "AccessDenied", huge, std::string(2000, 'r'), "GetObject b/k");
  CHECK(long_message.message() == std::string(512, 'm') + "...");
  CHECK(long_message.request_id() == std::string(512, 'r') + "...");
  CHECK(std::string(long_message.what()).size() < 1200);
  // 511 ASCII bytes, then a 2-byte character across the cut: it goes whole.
  const S3Error accented(500, "InternalError", std::string(511, 'a') + "\xC3\xA9" + "tail", "", "op");
  CHECK(accented.message() == std::string(511, 'a') + "...");
  CHECK(S3Error(500, "InternalError", std::string(512, 'a'), "", "op").message() == std::string(512, 'a'));
}

namespace {

struct Collected {
  std::string bytes;
  BodySink sink() {
    return [this](const char* data, std::size_t size) { bytes.append(data, size); };
  }
};

HttpOutcome outcome_with_etag(const std::string& etag) {
  HttpOutcome outcome;
  outcome.status = 200;
  outcome.headers.push_back({"etag", etag});
  return outcome;
}

std::string header_of(const S3Request& request, const std::string& name) {
  for (const auto& header : request.headers)
    if (header.name == name) return header.value;
  return "<absent>";
}

}  // namespace

TEST_CASE("a GetObject cut short resumes with a Range and If-Match, never repeating a byte") {
  Collected out;
  const BodySink sink = out.sink();
  GetResume resume(sink, std::nullopt);
  S3Request request;
  resume.prepare(request, nullptr);
  CHECK(header_of(request, "Range") == "<absent>");
  resume.deliver(200, "hello ", 6);
  const HttpOutcome cut = outcome_with_etag("\"e1\"");
  resume.prepare(request, &cut);
  CHECK(header_of(request, "Range") == "bytes=6-");
  CHECK(header_of(request, "If-Match") == "\"e1\"");
  resume.deliver(206, "world", 5);
  CHECK(out.bytes == "hello world");
}

TEST_CASE("a server that ignores the resume Range does not make the sink see bytes twice") {
  Collected out;
  const BodySink sink = out.sink();
  GetResume resume(sink, ByteRange{2, 7});
  S3Request request;
  resume.prepare(request, nullptr);
  CHECK(header_of(request, "Range") == "bytes=2-7");
  resume.deliver(206, "234", 3);
  const HttpOutcome cut = outcome_with_etag("\"e\"");
  resume.prepare(request, &cut);
  CHECK(header_of(request, "Range") == "bytes=5-7");
  resume.deliver(200, "0123", 4);       // the whole object from the start
  resume.deliver(200, "456789ab", 8);
  CHECK(out.bytes == "234567");
  CHECK(resume.delivered() == 6);
}

TEST_CASE("server_clock_offset: a Date read as seconds off ours; none for a broken one") {
  using std::chrono::hours;
  char date[64];
  const auto in_two_hours = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() + hours(2));
  std::tm utc{};
  gmtime_r(&in_two_hours, &utc);
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &utc);
  const auto offset = sigv4::server_clock_offset(date);
  REQUIRE(offset.has_value());
  CHECK(std::chrono::abs(*offset - hours(2)) <= std::chrono::seconds(2));
  CHECK(sigv4::significant_clock_skew(date).has_value());
  CHECK_FALSE(sigv4::server_clock_offset("").has_value());
  CHECK_FALSE(sigv4::server_clock_offset("garbage").has_value());
  // The year 9999 is past what a time point holds: it wrapped round to 2237
  // before (twenty-third audit); now it is no clock at all.
  CHECK_FALSE(sigv4::server_clock_offset("Fri, 31 Dec 9999 23:59:59 GMT").has_value());
}

TEST_CASE("end_requests_by: a request to a server that never answers ends by then, retries and all") {
  // A listening socket that is never accepted from: the kernel completes the
  // connection, and nothing is ever answered.
  const int silent = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(silent >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(silent, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  REQUIRE(::listen(silent, 16) == 0);
  socklen_t length = sizeof address;
  REQUIRE(::getsockname(silent, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  S3Config config;
  config.endpoint = "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port));
  config.credentials = {"AKIDEXAMPLE", "secret", ""};
  config.max_attempts = 5;  // with the 30 s read timeout: minutes, unbounded
  S3Client client(config);
  const auto started = std::chrono::steady_clock::now();
  client.end_requests_by(started + milliseconds(300));
  std::string code;
  try {
    client.head_object("bucket", "key");
  } catch (const S3Error& e) {
    code = e.code();
  }
  const auto took = std::chrono::steady_clock::now() - started;
  CHECK(code == "Timeout");
  CHECK(took >= milliseconds(250));
  CHECK(took < std::chrono::seconds(10));
  CHECK(client.request_count() == 1);  // no time was left for another attempt
  ::close(silent);
}
