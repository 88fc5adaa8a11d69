// Everything `claimcheck serve` can be told, with its default. Written once
// here; the CLI shows these defaults in --help.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace claimcheck::serve {

struct ServeSettings {
  /// host:port; a host other than loopback needs TLS and a token, or --insecure.
  std::string listen = "127.0.0.1:8081";
  /// The dev server's UI (`temporal server start-dev`), under both names a
  /// browser may use for it.
  std::vector<std::string> allowed_origins = {"http://localhost:8233", "http://127.0.0.1:8233"};
  bool allow_credentials = false;
  std::string token_file;  // first line: the bearer token clients must send
  std::string tls_cert_file, tls_key_file;
  std::uint64_t cache_bytes = 128u << 20;
  /// With preserveStorageRefs (the Web UI), payloads larger than this stay
  /// references the UI offers to download: the size of Temporal's own
  /// External Storage threshold.
  std::uint64_t display_limit = 256u << 10;
  bool offload = false;   // /encode stores payloads at or above the threshold
  bool insecure = false;  // allow a non-loopback address without TLS and token
  std::uint64_t body_limit = 16u << 20;
  std::chrono::seconds request_timeout{10};
};

/// A payload larger than this is never put into one response: /decode
/// leaves its reference as it is, /download answers 413.
constexpr std::uint64_t kInlineLimit = 64u << 20;

}  // namespace claimcheck::serve
