// bench_populate: fills a bucket with many small objects for the gc/stats
// benchmark, PUT by `--threads` threads through sigv4's S3 client (a
// million 64-byte PUTs: the Python version spent half a core on signing
// while radosgw needed both).
//
// Keys follow claimcheck's layout `<prefix><YYYY-MM-DD>/<HHMMSS>Z-<uuid>`
// where the date is the expiry: the first --expired keys expire 1-60 days
// in the past, the rest 1-60 days in the future (about 120 date partitions).
// Usage: bench_populate --endpoint URL --bucket B --prefix P --count N
//        --expired M [--threads 16] [--size 64] [--region us-east-1] [--seed S]
// Credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "sigv4/s3_client.hpp"

namespace {

struct Args {
  std::map<std::string, std::string> values{{"--threads", "16"}, {"--size", "64"}, {"--region", "us-east-1"},
                                            {"--seed", "1"}};
  const std::string& get(const std::string& name) const {
    auto it = values.find(name);
    if (it == values.end()) {
      std::fprintf(stderr, "bench_populate: %s is required\n", name.c_str());
      std::exit(2);
    }
    return it->second;
  }
  long number(const std::string& name) const { return std::stol(get(name)); }
};

std::string uuid4(std::mt19937_64& rng) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) id += '-';
    unsigned nibble = rng() & 0xf;
    if (i == 12) nibble = 4;                   // version 4
    if (i == 16) nibble = 8 | (nibble & 0x3);  // RFC 4122 variant
    id += kHex[nibble];
  }
  return id;
}

/// Object i's key: its expiry date names the partition.
std::string key_for(const std::string& prefix, long i, long expired, std::time_t now, std::mt19937_64& rng) {
  const long days = 1 + i % 60;
  const long seconds = i % 86400;
  const std::time_t expires = i < expired ? now - days * 86400 - seconds : now + days * 86400 + seconds;
  std::tm utc{};
  gmtime_r(&expires, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%d/%H%M%S", &utc);
  return prefix + stamp + "Z-" + uuid4(rng);
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  for (int i = 1; i + 1 < argc; i += 2) args.values[argv[i]] = argv[i + 1];
  const char* access_key = std::getenv("AWS_ACCESS_KEY_ID");
  const char* secret_key = std::getenv("AWS_SECRET_ACCESS_KEY");
  if (access_key == nullptr || secret_key == nullptr) {
    std::fprintf(stderr, "bench_populate: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY\n");
    return 2;
  }
  sigv4::S3Config config;
  config.endpoint = args.get("--endpoint");
  config.region = args.get("--region");
  config.credentials.access_key_id = access_key;
  config.credentials.secret_access_key = secret_key;
  sigv4::S3Client client(config);

  const std::string bucket = args.get("--bucket"), prefix = args.get("--prefix");
  const long count = args.number("--count"), expired = args.number("--expired");
  const std::string body(static_cast<std::size_t>(args.number("--size")), 'x');
  const std::time_t now = std::time(nullptr);
  std::atomic<long> next{0}, failed{0};
  std::mutex report;
  const auto started = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (long t = 0; t < args.number("--threads"); ++t) {
    threads.emplace_back([&, t] {
      std::mt19937_64 rng(static_cast<std::uint64_t>(args.number("--seed")) * 1000003u + static_cast<std::uint64_t>(t));
      for (long i = next++; i < count; i = next++) {
        try {
          client.put_object(bucket, key_for(prefix, i, expired, now, rng), body);
        } catch (const std::exception& e) {
          if (failed++ == 0) {
            std::lock_guard lock(report);
            std::fprintf(stderr, "bench_populate: PUT failed: %s\n", e.what());
          }
        }
        if ((i + 1) % 100000 == 0) {
          const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
          std::lock_guard lock(report);
          std::fprintf(stderr, "bench_populate: %ld objects in %.0f s\n", i + 1, s);
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  if (failed > 0) {
    std::fprintf(stderr, "bench_populate: %ld PUTs failed\n", failed.load());
    return 1;
  }
  std::printf("populated %ld objects (%ld expired) under %s\n", count, expired, prefix.c_str());
  return 0;
}
