// The S3 client's resilience against a scripted fake server (fake_s3.py):
// what is retried and what is not, bodies re-sent whole, downloads resumed
// without repeating a byte, stalls abandoned, a skewed clock corrected.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "base/sha256.hpp"
#include "script_server.hpp"
#include "sigv4/s3_client.hpp"

using namespace sigv4;
using std::chrono::milliseconds;

namespace {

std::string g_endpoint;  // http://127.0.0.1:<port> of the fake server

std::string pattern(std::size_t size) {
  std::string data(size, '\0');
  for (std::size_t i = 0; i < size; ++i) data[i] = static_cast<char>((i * 7919) % 251);
  return data;
}

S3Config fast_config(std::vector<std::string>* trace = nullptr) {
  S3Config config;
  config.endpoint = g_endpoint;
  config.credentials = {"AKIDFAKE", "fake-secret-never-printed", ""};
  config.backoff_base = milliseconds(1);
  config.throttle_backoff_base = milliseconds(2);
  config.backoff_cap = milliseconds(10);
  if (trace != nullptr)
    config.trace = [trace](std::string_view line) { trace->emplace_back(line); };
  return config;
}

std::string unique(const std::string& name) {
  static int counter = 0;
  return name + "-" + std::to_string(getpid()) + "-" + std::to_string(++counter);
}

std::string get_all(S3Client& client, const std::string& key) {
  std::string bytes;
  client.get_object("fake", key,
                    [&bytes](const char* data, std::size_t size) { bytes.append(data, size); });
  return bytes;
}

S3Error get_error(S3Client& client, const std::string& key) {
  try {
    get_all(client, key);
  } catch (const S3Error& error) {
    return error;
  }
  FAIL("expected an S3Error for " << key);
  throw std::logic_error("unreachable");
}

S3Error put_error(S3Client& client, const std::string& key, const std::string& body) {
  try {
    client.put_object("fake", key, body);
  } catch (const S3Error& error) {
    return error;
  }
  FAIL("expected an S3Error for " << key);
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("5xx and SlowDown are retried until they pass") {
  S3Client client(fast_config());
  CHECK(get_all(client, unique("flaky-503-2")) == "ok");
  CHECK(client.request_count() == 3);
  CHECK(get_all(client, unique("flaky-500-1")) == "ok");
  CHECK(get_all(client, unique("flaky-429-1")) == "ok");
  CHECK(get_all(client, unique("flaky-400-1")) == "ok");  // 400 RequestTimeout
  CHECK(client.request_count() == 3 + 2 + 2 + 2);
}

TEST_CASE("retries stop at max_attempts with the server's code") {
  S3Config config = fast_config();
  config.max_attempts = 3;
  S3Client client(config);
  const S3Error error = get_error(client, unique("flaky-503-99"));
  CHECK(error.http_status() == 503);
  CHECK(error.code() == "SlowDown");
  CHECK(error.request_id() == "fake-SlowDown");
  CHECK(client.request_count() == 3);
}

TEST_CASE("other 4xx answers are never retried") {
  S3Client client(fast_config());
  const S3Error error = get_error(client, unique("flaky-403-99"));
  CHECK(error.http_status() == 403);
  CHECK(client.request_count() == 1);
  CHECK(get_error(client, "no-such-thing").not_found());
  CHECK(client.request_count() == 2);
}

TEST_CASE("the key is percent-encoded once on the wire, '/' kept, path-style by default") {
  S3Client client(fast_config());
  const std::string port = g_endpoint.substr(g_endpoint.rfind(':') + 1);
  CHECK(get_all(client, "echo/a b+c=d&e?f#g%h~i/\xC3\xBC/../x") ==
        "127.0.0.1:" + port + " /fake/echo/a%20b%2Bc%3Dd%26e%3Ff%23g%25h~i/%C3%BC/../x");
}

TEST_CASE("virtual-hosted addressing puts the bucket in the Host") {
  S3Config config = fast_config();
  config.endpoint = "http://localhost:" + g_endpoint.substr(g_endpoint.rfind(':') + 1);
  config.virtual_hosted = true;
  S3Client client(config);
  CHECK(get_all(client, "echo/k") ==
        "fake." + config.endpoint.substr(7) + " /echo/k");
}

// Over 1 MiB: libcurl would ask "Expect: 100-continue" unless told not to,
// and the fake server refuses any Expect header.
TEST_CASE("a PUT failing after its body was sent is re-sent whole, without Expect") {
  S3Client client(fast_config());
  const std::string key = unique("put-once-failing");
  const std::string body = pattern(2u << 20);
  client.put_object("fake", key, body);
  CHECK(client.request_count() == 2);
  CHECK(get_all(client, key) == body);
}

// curl reports success for an answer whose headers end with the connection
// (measured: curl 7.88 exits 0 on "HTTP/1.1 200 OK\r\nx: 1\r\n" then close):
// taken as a 200, an UploadPart had no ETag and failed for good.
TEST_CASE("an answer cut inside its headers is a transport failure, retried") {
  std::vector<std::string> trace;
  S3Client client(fast_config(&trace));
  const std::string key = unique("headers-cut");
  client.put_object("fake", key, pattern(1000));
  CHECK(client.request_count() == 2);
  REQUIRE(!trace.empty());
  CHECK(trace[0].find("ended inside its headers") != std::string::npos);
  CHECK(get_all(client, key) == pattern(1000));  // the second PUT stored it
}

// Produced on the fly, so a retry only works if it is rewound.
class CountingBody final : public BodySource {
 public:
  explicit CountingBody(std::string data) : data_(std::move(data)) {}
  std::uint64_t size() const override { return data_.size(); }
  std::size_t read(char* buffer, std::size_t capacity) override {
    const std::size_t length = std::min(capacity, data_.size() - position_);
    data_.copy(buffer, length, position_);
    position_ += length;
    return length;
  }
  void rewind() override {
    position_ = 0;
    ++rewinds;
  }
  std::string sha256_hex() override { return base::sha256_hex(data_); }
  int rewinds = 0;

 private:
  std::string data_;
  std::size_t position_ = 0;
};

TEST_CASE("a streamed BodySource is rewound and sent again whole on a retry") {
  S3Client client(fast_config());
  const std::string key = unique("put-once-failing");
  CountingBody body(pattern(1500000));
  client.put_object("fake", key, body);
  CHECK(client.request_count() == 2);
  CHECK(body.rewinds >= 2);
  CHECK(get_all(client, key) == pattern(1500000));
}

TEST_CASE("a GET cut halfway resumes with a Range and If-Match; no byte repeats") {
  S3Client client(fast_config());
  CHECK(get_all(client, unique("cut-200000")) == pattern(200000));
  CHECK(client.request_count() == 2);
}

TEST_CASE("a resumed GET answered in full still gives each byte once") {
  S3Client client(fast_config());
  CHECK(get_all(client, unique("cut-100001-ignore-range")) == pattern(100001));
  CHECK(client.request_count() == 2);
}

TEST_CASE("a stalled transfer is abandoned after stall_timeout and retried") {
  S3Config config = fast_config();
  config.stall_timeout = std::chrono::seconds(1);
  S3Client client(config);
  const auto started = std::chrono::steady_clock::now();
  CHECK(get_all(client, unique("stall")) == pattern(1000));
  CHECK(client.request_count() == 2);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));  // the server stalls 30 s
}

// The body leaves in a burst; then nothing moves. curl's low-speed check
// (an average over several seconds) ended this about 6 s late.
TEST_CASE("a PUT the server never answers is abandoned after stall_timeout, not later") {
  std::vector<std::string> trace;
  S3Config config = fast_config(&trace);
  config.stall_timeout = std::chrono::seconds(1);
  config.max_attempts = 1;
  S3Client client(config);
  const auto started = std::chrono::steady_clock::now();
  const S3Error error = put_error(client, unique("silent"), pattern(1000));
  CHECK(error.code() == "Timeout");
  CHECK(error.message().find("the last 1 seconds") != std::string::npos);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(4));  // the server is silent 30 s
  REQUIRE(trace.size() == 1);
  CHECK(trace[0].find("sent 1000 B") != std::string::npos);
}

TEST_CASE("a transfer that keeps moving, however slowly, is not cut off") {
  S3Config config = fast_config();
  config.stall_timeout = std::chrono::seconds(2);  // less than the whole transfer (3.6 s)
  config.max_attempts = 1;
  S3Client client(config);
  CHECK(get_all(client, unique("trickle-12")) == pattern(12));
}

TEST_CASE("a deadline ends a stalled request and its retries") {
  std::vector<std::string> trace;
  S3Config config = fast_config(&trace);
  config.stall_timeout = std::chrono::seconds(30);  // the server stalls 30 s: only the deadline can end it
  config.deadline = std::chrono::seconds(1);
  S3Client client(config);
  const S3Error error = get_error(client, unique("stall"));
  std::string attempts;
  for (const auto& line : trace) attempts += line + "\n";
  INFO("trace:\n" << attempts);
  CHECK(error.transport());
  CHECK(error.code() == "Timeout");
  CHECK(client.request_count() == 1);  // no time left for a second attempt
}

TEST_CASE("throttling answers are retried after the throttling backoff, and say so") {
  std::vector<std::string> trace;
  S3Client client(fast_config(&trace));
  CHECK(get_all(client, unique("flaky-503-1")) == "ok");
  REQUIRE(trace.size() == 3);
  CHECK(trace[1].find("SlowDown, retrying in") != std::string::npos);
  CHECK(trace[1].find("(throttled)") != std::string::npos);
}

TEST_CASE("retries stop when the retry budget is spent, and a success refills it") {
  S3Config config = fast_config();
  config.retry_budget = 12;  // two retries at 5 tokens each
  S3Client client(config);
  CHECK(get_error(client, unique("flaky-503-99")).code() == "SlowDown");
  CHECK(client.request_count() == 3);  // not max_attempts (5): the budget ran out after two retries
  CHECK(get_error(client, unique("flaky-503-99")).code() == "SlowDown");
  CHECK(client.request_count() == 4);  // 2 tokens left: no retry at all
  for (int i = 0; i < 3; ++i) CHECK(get_all(client, unique("flaky-503-0")) == "ok");  // +1 token each
  CHECK(get_all(client, unique("flaky-503-1")) == "ok");  // 5 tokens: one retry again
  CHECK(client.request_count() == 4 + 3 + 2);
}

TEST_CASE("RequestTimeTooSkewed: the server's Date is adopted once and kept") {
  S3Client client(fast_config());
  CHECK(get_all(client, unique("skew")) == "in sync");
  CHECK(client.request_count() == 2);
  CHECK(get_all(client, unique("skew")) == "in sync");
  CHECK(client.request_count() == 3);  // already corrected
}

TEST_CASE("a 403 whose Date is hours off is also taken as clock skew") {
  S3Client client(fast_config());
  CHECK(get_all(client, unique("skew403")) == "in sync");
  CHECK(client.request_count() == 2);
}

TEST_CASE("a refused connection is a transport S3Error after every attempt") {
  S3Config config = fast_config();
  config.endpoint = "http://127.0.0.1:1";
  config.max_attempts = 2;
  S3Client client(config);
  const S3Error error = get_error(client, "anything");
  CHECK(error.transport());
  CHECK(error.http_status() == 0);
  CHECK(error.code() == "ConnectionFailed");
  CHECK(client.request_count() == 2);
}

TEST_CASE("DeleteObjects sends Content-MD5 and reports per-key errors") {
  S3Client client(fast_config());
  const DeleteResult result = client.delete_objects("fake", {"a&b", "locked<1>", "c"});
  CHECK(result.deleted == std::vector<std::string>{"a&b", "c"});
  REQUIRE(result.errors.size() == 1);
  CHECK(result.errors[0].key == "locked<1>");
  CHECK(result.errors[0].code == "AccessDenied");
}

TEST_CASE("a CompleteMultipartUpload answered 200 with an <Error> is retried") {
  S3Client client(fast_config());
  client.complete_multipart_upload("fake", unique("complete-with-error"), "u1", {{1, "\"e\""}});
  CHECK(client.request_count() == 2);
}

TEST_CASE("a listing whose server repeats its continuation token ends with InvalidResponse") {
  for (const std::string prefix : {"repeat-token/", "repeat-token-empty/"}) {
    S3Client client(fast_config());
    int pages = 0;
    try {
      client.list_objects_v2_pages("fake", prefix, {}, [&](const ListPage&) { return ++pages < 100; });
      FAIL("the listing ended without an error after " << pages << " pages");
    } catch (const S3Error& error) {
      CHECK(error.code() == "InvalidResponse");
      CHECK(std::string(error.what()).find("repeats a continuation token") != std::string::npos);
    }
    CHECK(pages == 2);  // the first page, and the one whose token was given before
  }
}

TEST_CASE("a listing's caller sees every page, empty ones too, and can stop it") {
  S3Client client(fast_config());
  int pages = 0;
  client.list_objects_v2_pages("fake", "repeat-token-empty/", {}, [&](const ListPage& page) {
    CHECK(page.objects.empty());
    ++pages;
    return false;
  });
  CHECK(pages == 1);
  CHECK(client.request_count() == 1);
}

TEST_CASE("a multipart-upload listing that repeats its markers ends with InvalidResponse") {
  S3Client client(fast_config());
  try {
    client.list_multipart_uploads("fake", "repeat-marker/");
    FAIL("the listing ended without an error");
  } catch (const S3Error& error) {
    CHECK(error.code() == "InvalidResponse");
  }
  CHECK(client.request_count() == 2);
}

TEST_CASE("a sink that throws stops the download and its exception passes through") {
  S3Client client(fast_config());
  auto sink = [](const char*, std::size_t) { throw std::runtime_error("disk full"); };
  CHECK_THROWS_WITH_AS(client.get_object("fake", unique("flaky-500-0"), sink), "disk full",
                       std::runtime_error);
  CHECK(client.request_count() == 1);
}

TEST_CASE("traces and errors never show the secret, the session token or a signature") {
  std::vector<std::string> trace;
  S3Config config = fast_config(&trace);
  config.credentials.session_token = "SESSION-TOKEN-SECRET";
  config.max_attempts = 2;
  S3Client client(config);
  const S3Error error = get_error(client, unique("flaky-500-99"));
  std::vector<std::string> texts = trace;
  texts.emplace_back(error.what());
  REQUIRE(trace.size() == 3);  // attempt, retry decision, attempt
  CHECK(trace[1].find("InternalError, retrying in") != std::string::npos);
  CHECK(trace[2].find("attempt 2/2") != std::string::npos);
  for (const auto& text : texts) {
    CHECK(text.find("fake-secret-never-printed") == std::string::npos);
    CHECK(text.find("SESSION-TOKEN-SECRET") == std::string::npos);
    CHECK(text.find("Signature") == std::string::npos);
  }
}

int main(int argc, char** argv) {
  const char* script = std::getenv("FAKE_S3_SCRIPT");
  if (script == nullptr || access("/usr/bin/python3", X_OK) != 0) {
    std::cerr << "needs /usr/bin/python3 and FAKE_S3_SCRIPT: skipping\n";
    return 77;
  }
  s3test::ScriptServer server({"/usr/bin/python3", script});
  g_endpoint = "http://127.0.0.1:" + std::to_string(server.port());
  doctest::Context context(argc, argv);
  return context.run();
}
