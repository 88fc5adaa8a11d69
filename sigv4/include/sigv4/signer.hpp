// AWS Signature Version 4, as S3 wants it. Pure: a request description,
// credentials and a time go in; strings come out. No clock, no I/O.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sigv4/limits.hpp"

namespace sigv4 {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty when there is none
};

struct Header {
  std::string name;
  std::string value;
};

/// What is signed. Path and query are RAW (not percent-encoded): the signer
/// encodes them once, S3 style ('/' kept in the path, never normalised).
/// The signer adds Host (from `host`), X-Amz-Date, x-amz-content-sha256 and
/// X-Amz-Security-Token itself: `headers` must not contain them (nor
/// Authorization), and no header value may contain CR, LF or NUL. Header
/// names are compared case-insensitively; values are signed trimmed, with
/// runs of ASCII whitespace collapsed to one space, repeated names joined
/// with ',' in the order given.
struct Request {
  std::string method;  // "GET", "PUT", ...
  std::string host;    // "example.amazonaws.com" or "127.0.0.1:7480"
  std::string path;    // "/bucket/key with space" (raw bytes, UTF-8)
  std::vector<std::pair<std::string, std::string>> query;  // raw name/value
  std::vector<Header> headers;  // extra headers to sign (Host is implied)
  /// Hex SHA-256 of the body, or "UNSIGNED-PAYLOAD" (what S3 expects in a
  /// presigned URL, whose body is unknown when signing).
  std::string payload_hash =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
};

struct SigningConfig {
  std::string region;   // "us-east-1"; R2 uses "auto"
  std::string service = "s3";
  std::chrono::system_clock::time_point time;
  /// S3 requires x-amz-content-sha256 on every request; the generic AWS test
  /// suite signs without it. Off only to replay those vectors. Header mode
  /// only: a presigned URL never carries it.
  bool add_content_sha256_header = true;
  /// Add X-Amz-Security-Token after signing instead of signing it
  /// (the suite's post-sts-header-after case). S3 wants it signed.
  bool omit_session_token_from_signature = false;
  /// Presigned URLs only: lifetime, 1 s .. kMaxPresignLifetime (7 days).
  std::chrono::seconds expires{3600};
};

/// Every intermediate stage, so tests can check each one. `signature`, the
/// Authorization header and the X-Amz-Signature/X-Amz-Security-Token query
/// parameters are secrets for logging purposes: redact them.
struct SigningResult {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;             // hex
  /// Header mode: to add to the request, in this order: X-Amz-Date,
  /// x-amz-content-sha256 (if enabled), X-Amz-Security-Token (if any),
  /// Authorization ("AWS4-HMAC-SHA256 Credential=..., SignedHeaders=...,
  /// Signature=...").
  std::vector<Header> headers;
  /// Query mode: the full encoded query (the request's own parameters, the
  /// X-Amz-* ones, X-Amz-Signature last), to put after '?'.
  std::string query_string;
};

/// Percent-encodes per RFC 3986 unreserved set (A-Z a-z 0-9 - _ . ~);
/// '/' kept when keep_slash.
std::string uri_encode(std::string_view raw, bool keep_slash);

/// Holds credentials and caches the derived signing key per
/// (date, region, service). Thread-safe.
/// sign() and presign() throw std::invalid_argument for a request that cannot
/// be signed (missing credentials, empty method/host/region, a path not
/// starting with '/', a malformed header or payload hash, a lifetime outside
/// 1 s .. 7 days); the message never contains a secret.
class Signer {
 public:
  explicit Signer(Credentials credentials);

  /// Authorization-header signing.
  SigningResult sign(const Request& request, const SigningConfig& config) const;
  /// Query-string signing (presigned URL); result.query_string carries the
  /// request's own query plus the X-Amz-* parameters, encoded.
  SigningResult presign(const Request& request, const SigningConfig& config) const;

  const Credentials& credentials() const { return credentials_; }

  /// The derived signing key (raw 32 bytes; a secret, never print it) for
  /// date "YYYYMMDD", derived once and then shared from the cache. Public
  /// for tests and for callers that sign further strings (chunk signatures).
  std::shared_ptr<const std::string> signing_key(const std::string& date,
                                                 const std::string& region,
                                                 const std::string& service) const;

 private:
  /// Fills string_to_sign and signature from result.canonical_request.
  void finish(SigningResult& result, const std::string& date_time, const std::string& date,
              const std::string& scope, const SigningConfig& config) const;

  Credentials credentials_;
  mutable std::mutex cache_mutex_;
  mutable std::map<std::string, std::shared_ptr<const std::string>> key_cache_;
};

}  // namespace sigv4
