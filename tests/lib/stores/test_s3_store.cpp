// S3Store against a real S3 server (radosgw in CI; see tests/with-radosgw).
// Skipped (77) unless CLAIMCHECK_TEST_S3_* are set; with
// CLAIMCHECK_TEST_REQUIRE_S3=1 a missing server fails instead.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <mutex>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "core/error.hpp"
#include "stores/s3_store.hpp"
#include "core/stream.hpp"
#include "sigv4/s3_client.hpp"

using claimcheck::Error;
using claimcheck::ErrorKind;
using claimcheck::ObjectInfo;
using claimcheck::ObjectMeta;
using claimcheck::S3Settings;
using claimcheck::StringSink;
using claimcheck::StringSource;

namespace {

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

S3Settings settings() {
  S3Settings s;
  s.endpoint = env("CLAIMCHECK_TEST_S3_ENDPOINT");
  s.access_key_id = env("CLAIMCHECK_TEST_S3_ACCESS_KEY");
  s.secret_access_key = env("CLAIMCHECK_TEST_S3_SECRET_KEY");
  s.bucket = env("CLAIMCHECK_TEST_S3_BUCKET");
  s.region = env("CLAIMCHECK_TEST_S3_REGION").empty() ? "us-east-1" : env("CLAIMCHECK_TEST_S3_REGION");
  return s;
}

std::string random_bytes(std::size_t size, unsigned seed) {
  std::mt19937_64 random(seed);
  std::string data(size, '\0');
  for (std::size_t i = 0; i < size; i += 8) {
    const std::uint64_t word = random();
    std::memcpy(data.data() + i, &word, std::min<std::size_t>(8, size - i));
  }
  return data;
}

/// A key prefix of its own, so parallel tests and runs never collide.
std::string unique_prefix(const char* test) {
  std::random_device random;
  return fmt::format("claimcheck-stores-it/{}-{:08x}{:08x}/", test, random(), random());
}

sigv4::S3Client raw_client() {
  const S3Settings s = settings();
  sigv4::S3Config config;
  config.endpoint = s.endpoint;
  config.region = s.region;
  config.credentials = {s.access_key_id, s.secret_access_key, ""};
  return sigv4::S3Client(config);
}

std::string get(claimcheck::Store& store, const std::string& key) {
  StringSink sink;
  store.get(key, sink);
  return sink.take();
}

ObjectMeta sample_meta() {
  ObjectMeta meta;
  meta.compressed = false;
  meta.expires_at = claimcheck::parse_rfc3339("2030-01-02T03:04:05Z");
  meta.content_type = "application/json";
  return meta;
}

/// Yields `good` bytes, then throws.
class FailingSource : public claimcheck::ByteSource {
 public:
  explicit FailingSource(std::size_t good) : good_(random_bytes(good, 7)) {}
  std::size_t read(char* buffer, std::size_t capacity) override {
    if (good_.remaining() == std::uint64_t{0}) throw std::runtime_error("source broke");
    return good_.read(buffer, capacity);
  }

 private:
  claimcheck::StringSource good_;
};

ErrorKind error_kind(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& e) {
    return e.kind();
  }
  return ErrorKind::Internal;
}

struct Interval {
  long long start_ms, end_ms;
};

/// UploadPart intervals from the trace lines ("... -> 200, ..., <n> ms, ...").
std::vector<Interval> part_intervals(const std::vector<std::pair<long long, std::string>>& trace) {
  std::vector<Interval> out;
  for (const auto& [end, line] : trace) {
    if (line.find("partNumber=") == std::string::npos || line.find("PUT ") == std::string::npos) continue;
    const auto ms = line.rfind(" ms,");
    const auto start = line.rfind(' ', ms - 1);
    out.push_back({end - std::stoll(line.substr(start + 1, ms - start - 1)), end});
  }
  return out;
}

long long now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

TEST_CASE("small payload: one PutObject carrying the final metadata") {
  auto store = claimcheck::make_s3_store(settings());
  const std::string key = unique_prefix("single") + "obj";
  const std::string data = random_bytes(100000, 1);
  StringSource source(data);
  const std::uint64_t before = store->request_count();
  int calls = 0;
  const std::uint64_t stored = store->put(key, source, sample_meta(), [&] {
    ++calls;
    ObjectMeta meta = sample_meta();
    meta.original_size = 123456;
    meta.sha256 = std::string(64, 'b');
    return meta;
  });
  CHECK(stored == data.size());
  CHECK(calls == 1);
  CHECK(store->request_count() - before == 1);
  const auto info = store->head(key);
  REQUIRE(info);
  CHECK(info->stored_size == data.size());
  CHECK(info->meta.original_size == 123456u);
  CHECK(info->meta.sha256 == std::string(64, 'b'));
  CHECK(info->meta.compressed == false);
  CHECK(info->meta.expires_at == sample_meta().expires_at);
  CHECK(info->meta.content_type == "application/json");
  CHECK(get(*store, key) == data);
  store->remove(key);
  CHECK_FALSE(store->head(key));
}

TEST_CASE("20 MiB: multipart with parallel parts, final metadata applied after completion") {
  std::vector<std::pair<long long, std::string>> trace;
  std::mutex trace_mutex;
  auto store = claimcheck::make_s3_store(settings(), {.trace = [&](std::string_view line) {
                                                         std::lock_guard lock(trace_mutex);
                                                         trace.emplace_back(now_ms(), std::string(line));
                                                       }});
  const std::string key = unique_prefix("multipart") + "big";
  const std::string data = random_bytes(20u << 20, 2);
  StringSource source(data);
  ObjectMeta initial = sample_meta();
  const std::uint64_t stored = store->put(key, source, initial, [&] {
    ObjectMeta meta = initial;
    meta.original_size = data.size();
    meta.sha256 = std::string(64, 'c');
    meta.compressed = true;
    return meta;
  });
  CHECK(stored == data.size());
  const auto parts = part_intervals(trace);
  CHECK(parts.size() == 3);  // 8 + 8 + 4 MiB
  // Parallel: some two part uploads were in flight at the same time.
  bool overlap = false;
  for (std::size_t i = 0; i < parts.size(); ++i)
    for (std::size_t j = i + 1; j < parts.size(); ++j)
      overlap = overlap || (parts[i].start_ms < parts[j].end_ms && parts[j].start_ms < parts[i].end_ms);
  CHECK(overlap);

  const auto info = store->head(key);
  REQUIRE(info);
  CHECK(info->stored_size == data.size());
  CHECK(info->meta.original_size == data.size());
  CHECK(info->meta.sha256 == std::string(64, 'c'));
  CHECK(info->meta.compressed == true);
  CHECK(info->meta.content_type == "application/json");
  CHECK(get(*store, key) == data);
  store->remove(key);
}

/// Hands out `data` and checks, at every read, that the store has not read
/// more than (concurrency + 1) parts beyond those already uploaded.
class BoundCheckingSource : public claimcheck::ByteSource {
 public:
  BoundCheckingSource(std::string data, std::size_t part_size, const std::atomic<int>& uploaded)
      : data_(std::move(data)), part_size_(part_size), uploaded_(uploaded) {}
  std::size_t read(char* buffer, std::size_t capacity) override {
    const auto part_being_read = static_cast<int>(offset_ / part_size_) + 1;
    worst_ahead_ = std::max(worst_ahead_, part_being_read - uploaded_.load());
    const std::size_t n = std::min(capacity, data_.size() - offset_);
    std::memcpy(buffer, data_.data() + offset_, n);
    offset_ += n;
    return n;
  }
  int worst_ahead() const { return worst_ahead_; }

 private:
  std::string data_;
  std::size_t part_size_, offset_ = 0;
  const std::atomic<int>& uploaded_;
  int worst_ahead_ = 0;
};

TEST_CASE("multipart memory stays within part size x (concurrency + 1)") {
  std::atomic<int> uploaded{0};
  const int concurrency = 2;
  const std::size_t part_size = 5u << 20;
  auto store = claimcheck::make_s3_store(
      settings(),
      {.trace =
           [&](std::string_view line) {
             if (line.find("partNumber=") != std::string_view::npos && line.find(" -> 200") != std::string_view::npos) {
               ++uploaded;
             }
           }},
      {part_size, concurrency});
  const std::string key = unique_prefix("bounded") + "obj";
  const std::string data = random_bytes(8 * part_size + 1000, 5);
  BoundCheckingSource source(data, part_size, uploaded);
  CHECK(store->put(key, source, {}) == data.size());
  CHECK(uploaded == 9);
  // Reading part n while only n - (concurrency + 1) are done means
  // concurrency + 1 buffers are held: the reader's and the in-flight ones.
  CHECK(source.worst_ahead() <= concurrency + 1);
  CHECK(source.worst_ahead() >= 2);  // and reading did run ahead of uploads
  CHECK(get(*store, key) == data);
  store->remove(key);
}

TEST_CASE("exactly one part's worth: still a single PutObject") {
  auto store = claimcheck::make_s3_store(settings(), {}, {5u << 20, 2});
  const std::string key = unique_prefix("exact") + "obj";
  const std::string data = random_bytes(5u << 20, 3);
  StringSource source(data);
  const std::uint64_t before = store->request_count();
  CHECK(store->put(key, source, sample_meta()) == data.size());
  CHECK(store->request_count() - before == 1);
  CHECK(get(*store, key) == data);
  store->remove(key);
}

TEST_CASE("a failing source aborts the multipart upload and leaves nothing") {
  auto store = claimcheck::make_s3_store(settings(), {}, {5u << 20, 2});
  const std::string prefix = unique_prefix("abort");
  FailingSource broken(17u << 20);  // three full parts, then an error
  CHECK_THROWS_WITH_AS(store->put(prefix + "obj", broken, sample_meta()), "source broke",
                       std::runtime_error);
  auto client = raw_client();
  CHECK(client.list_multipart_uploads(settings().bucket, prefix).empty());
  CHECK_FALSE(store->head(prefix + "obj"));
}

TEST_CASE("a failing final_meta aborts the upload too") {
  auto store = claimcheck::make_s3_store(settings(), {}, {5u << 20, 2});
  const std::string prefix = unique_prefix("abort-meta");
  StringSource source(random_bytes(11u << 20, 4));
  CHECK_THROWS(store->put(prefix + "obj", source, {}, []() -> ObjectMeta { throw std::runtime_error("x"); }));
  auto client = raw_client();
  CHECK(client.list_multipart_uploads(settings().bucket, prefix).empty());
  CHECK_FALSE(store->head(prefix + "obj"));
}

/// Runs `sabotage` once, when the store starts reading beyond `at` bytes.
class SabotagingSource : public claimcheck::ByteSource {
 public:
  SabotagingSource(std::string data, std::size_t at, std::function<void()> sabotage)
      : size_(data.size()), data_(std::move(data)), at_(at), sabotage_(std::move(sabotage)) {}
  std::size_t read(char* buffer, std::size_t capacity) override {
    const std::uint64_t offset = size_ - *data_.remaining();
    if (offset >= at_ && sabotage_) std::exchange(sabotage_, nullptr)();
    return data_.read(buffer, capacity);
  }

 private:
  std::uint64_t size_;
  claimcheck::StringSource data_;
  std::uint64_t at_;
  std::function<void()> sabotage_;
};

TEST_CASE("a part that fails (upload aborted behind our back) fails the put with Error(Store)") {
  const std::size_t part_size = 5u << 20;
  auto store = claimcheck::make_s3_store(settings(), {}, {part_size, 2});
  const std::string prefix = unique_prefix("part-fails");
  auto client = raw_client();
  SabotagingSource source(random_bytes(6 * part_size, 6), 3 * part_size, [&] {
    for (const auto& upload : client.list_multipart_uploads(settings().bucket, prefix)) {
      client.abort_multipart_upload(settings().bucket, upload.key, upload.upload_id);
    }
  });
  try {
    store->put(prefix + "obj", source, {});
    FAIL("stored");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Store);
    CHECK(e.what_failed() == "put s3://" + settings().bucket + "/" + prefix + "obj");
    CHECK(e.why().find("NoSuchUpload") != std::string::npos);
  }
  CHECK(client.list_multipart_uploads(settings().bucket, prefix).empty());
  CHECK_FALSE(store->head(prefix + "obj"));
}

TEST_CASE("list pages over 1000 objects, remove_batch deletes them all") {
  auto store = claimcheck::make_s3_store(settings());
  const std::string prefix = unique_prefix("list");
  const int count = 1005;
  std::atomic<int> next{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < 8; ++w) {
    writers.emplace_back([&] {
      for (int i = next++; i < count; i = next++) {
        StringSource source("v" + std::to_string(i));
        store->put(fmt::format("{}{:04}", prefix, i), source, {});
      }
    });
  }
  for (auto& writer : writers) writer.join();

  std::vector<std::size_t> page_sizes;
  std::vector<std::string> keys;
  store->list(prefix, [&](const std::vector<ObjectInfo>& page) {
    page_sizes.push_back(page.size());
    for (const auto& info : page) keys.push_back(info.key);
    return true;
  });
  CHECK(page_sizes == std::vector<std::size_t>{1000, 5});
  REQUIRE(keys.size() == count);
  CHECK(keys.front() == prefix + "0000");
  CHECK(std::is_sorted(keys.begin(), keys.end()));

  int pages = 0;
  store->list(prefix, [&](const std::vector<ObjectInfo>&) { return ++pages < 1; });
  CHECK(pages == 1);

  keys.push_back(prefix + "never-existed");
  const auto result = store->remove_batch(keys);
  CHECK(result.failed.empty());
  CHECK(result.deleted.size() == keys.size());
  std::size_t listed = 0;
  store->list(prefix, [&](const std::vector<ObjectInfo>& page) {
    listed += page.size();
    return true;
  });
  CHECK(listed == 0);
}

TEST_CASE("absent objects: get NotFound, head nullopt, remove fine") {
  auto store = claimcheck::make_s3_store(settings());
  const std::string key = unique_prefix("absent") + "nothing";
  try {
    get(*store, key);
    FAIL("found");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::NotFound);
    CHECK(e.what_failed() == "get s3://" + settings().bucket + "/" + key);
  }
  CHECK_FALSE(store->head(key));
  CHECK_NOTHROW(store->remove(key));
}

TEST_CASE("S3 errors become Error(Store) with code and status, never the secret") {
  S3Settings wrong = settings();
  wrong.secret_access_key = "definitely-not-the-secret-0000000000000000";
  auto store = claimcheck::make_s3_store(wrong);
  StringSource source("x");
  try {
    store->put(unique_prefix("auth") + "obj", source, {});
    FAIL("accepted");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Store);
    CHECK(e.what_failed().starts_with("put s3://" + wrong.bucket + "/"));
    CHECK(e.why().find("SignatureDoesNotMatch") != std::string::npos);
    CHECK(e.why().find("HTTP 403") != std::string::npos);
    CHECK(std::string(e.what()).find(wrong.secret_access_key) == std::string::npos);
    CHECK(e.detail.find(wrong.secret_access_key) == std::string::npos);
  }
  CHECK(error_kind([&] { store->health(); }) == ErrorKind::Store);
}

TEST_CASE("health: the bucket answers; a missing bucket is Error(Store)") {
  CHECK_NOTHROW(claimcheck::make_s3_store(settings())->health());
  S3Settings missing = settings();
  missing.bucket = "no-such-bucket-claimcheck-d";
  CHECK(error_kind([&] { claimcheck::make_s3_store(missing)->health(); }) == ErrorKind::Store);
}

TEST_CASE("head in a bucket that is not there is Error(Store) 'no such bucket', not an absent object") {
  // A HEAD's 404 carries no code to tell a missing key from a missing bucket.
  S3Settings missing = settings();
  missing.bucket = "no-such-bucket-claimcheck-h";
  auto store = claimcheck::make_s3_store(missing);
  for (int i = 0; i < 2; ++i) {  // the answer is kept: the second head says the same
    try {
      store->head("claimcheck/2026-01-01/k");
      FAIL("head in a missing bucket returned");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::Store);
      CHECK(e.what_failed() == "head s3://no-such-bucket-claimcheck-h/claimcheck/2026-01-01/k");
      CHECK(e.why() == "no such bucket");
    }
  }
  // In a bucket that is there, an absent key is still absent.
  CHECK_FALSE(claimcheck::make_s3_store(settings())->head(unique_prefix("absent") + "k").has_value());
}

TEST_CASE("location is s3://bucket; fetch_url is a working presigned GET") {
  auto store = claimcheck::make_s3_store(settings());
  CHECK(store->location() == "s3://" + settings().bucket);
  const std::string key = unique_prefix("presign") + "obj";
  StringSource source("presigned content");
  store->put(key, source, {});
  const std::string url = store->fetch_url(key, std::chrono::minutes(5));
  CHECK(url.find("X-Amz-Signature=") != std::string::npos);
  CHECK(url.find(settings().secret_access_key) == std::string::npos);
  std::string fetched;
  if (FILE* pipe = popen(("curl -s -f '" + url + "'").c_str(), "r")) {
    char buffer[256];
    while (std::size_t n = fread(buffer, 1, sizeof buffer, pipe)) fetched.append(buffer, n);
    pclose(pipe);
  }
  CHECK(fetched == "presigned content");
  CHECK(error_kind([&] { store->fetch_url(key, std::chrono::hours(24 * 8)); }) == ErrorKind::Usage);
  store->remove(key);
}

int main(int argc, char** argv) {
  const bool configured = !env("CLAIMCHECK_TEST_S3_ENDPOINT").empty() &&
                          !env("CLAIMCHECK_TEST_S3_BUCKET").empty() &&
                          !env("CLAIMCHECK_TEST_S3_ACCESS_KEY").empty();
  if (!configured) {
    const bool required = env("CLAIMCHECK_TEST_REQUIRE_S3") == "1";
    std::fprintf(stderr, "s3_store: CLAIMCHECK_TEST_S3_* not set: %s\n", required ? "failing" : "skipped");
    return required ? 1 : 77;
  }
  doctest::Context context(argc, argv);
  return context.run();
}
