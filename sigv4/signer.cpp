// SigV4 signing for S3: header mode (Authorization) and query mode
// (presigned URL). Pure: the time comes from SigningConfig, nothing is sent.
#include "sigv4/signer.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

#include "base/encoding.hpp"
#include "base/sha256.hpp"
#include "base/text.hpp"
#include "base/time.hpp"
#include "canonical_request.hpp"
#include "crypto.hpp"

namespace sigv4 {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
// Old dates stop being used after midnight; a small bound keeps a long-lived
// signer from accumulating keys.
constexpr std::size_t kMaxCachedKeys = 16;
constexpr std::array<std::string_view, 7> kQueryAuthParameters = {
    "X-Amz-Algorithm", "X-Amz-Credential",     "X-Amz-Date",     "X-Amz-Expires",
    "X-Amz-SignedHeaders", "X-Amz-Security-Token", "X-Amz-Signature"};

[[noreturn]] void reject(const std::string& why) {
  throw std::invalid_argument("cannot sign request: " + why);
}

// RFC 9110 token characters: what a method or header name may contain.
bool is_token(std::string_view text) {
  constexpr std::string_view punctuation = "!#$%&'*+-.^_`|~";
  return !text.empty() && std::all_of(text.begin(), text.end(), [&](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           punctuation.find(c) != std::string_view::npos;
  });
}

bool is_lower_hex_sha256(std::string_view text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

bool is_valid_payload_hash(std::string_view hash) {
  return is_lower_hex_sha256(hash) || hash == "UNSIGNED-PAYLOAD" ||
         hash.starts_with("STREAMING-");
}

bool is_valid_scope_part(std::string_view part) {
  return is_token(part) && part.find('/') == std::string_view::npos;
}

void check_credentials(const Credentials& credentials) {
  if (credentials.access_key_id.empty()) reject("no access key id");
  if (credentials.secret_access_key.empty()) reject("no secret access key");
  if (credentials.session_token.find_first_of("\r\n") != std::string::npos)
    reject("the session token contains a line break");
}

void check_header(const Header& header) {
  if (!is_token(header.name)) reject("invalid header name '" + header.name + "'");
  if (header.value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos)
    reject("the value of header '" + header.name + "' contains CR, LF or NUL");
}

void check_request(const Request& request, const SigningConfig& config) {
  if (!is_token(request.method)) reject("invalid HTTP method '" + request.method + "'");
  if (request.host.empty()) reject("no host");
  if (request.host.find_first_of(" \t\r\n/") != std::string::npos)
    reject("invalid host '" + request.host + "'");
  if (!request.path.starts_with('/')) reject("the path does not start with '/'");
  if (!is_valid_payload_hash(request.payload_hash))
    reject("the payload hash is neither 64 lower-case hex digits nor UNSIGNED-PAYLOAD");
  if (!is_valid_scope_part(config.region)) reject("invalid region '" + config.region + "'");
  if (!is_valid_scope_part(config.service)) reject("invalid service '" + config.service + "'");
  for (const Header& header : request.headers) check_header(header);
}

// Headers the signer sets itself must not come from the caller too.
void check_not_given(const Request& request, std::string_view name) {
  for (const Header& header : request.headers)
    if (base::equals_ignoring_case(header.name, name))
      reject("header '" + header.name + "' is set by the signer");
}

void check_no_auth_parameters(const Request& request) {
  for (const auto& parameter : request.query)
    for (std::string_view reserved : kQueryAuthParameters)
      if (parameter.first == reserved)
        reject("query parameter '" + parameter.first + "' is set by the signer");
}

std::string credential_scope(const std::string& date, const SigningConfig& config) {
  return date + '/' + config.region + '/' + config.service + "/aws4_request";
}

std::string string_to_sign(const std::string& date_time, const std::string& scope,
                           const std::string& canonical_request) {
  return std::string(kAlgorithm) + '\n' + date_time + '\n' + scope + '\n' +
         base::sha256_hex(canonical_request);
}

std::string derive_signing_key(const std::string& secret, const std::string& date,
                               const std::string& region, const std::string& service) {
  const std::string date_key = hmac_sha256("AWS4" + secret, date);
  const std::string region_key = hmac_sha256(date_key, region);
  const std::string service_key = hmac_sha256(region_key, service);
  return hmac_sha256(service_key, "aws4_request");
}

bool signs_session_token(const Credentials& credentials, const SigningConfig& config) {
  return !credentials.session_token.empty() && !config.omit_session_token_from_signature;
}

void check_header_mode(const Request& request, const SigningConfig& config,
                       const Credentials& credentials) {
  check_credentials(credentials);
  check_request(request, config);
  for (std::string_view name : {"host", "authorization", "x-amz-date"})
    check_not_given(request, name);
  if (config.add_content_sha256_header) check_not_given(request, "x-amz-content-sha256");
  if (!credentials.session_token.empty()) check_not_given(request, "x-amz-security-token");
}

void check_query_mode(const Request& request, const SigningConfig& config,
                      const Credentials& credentials) {
  check_credentials(credentials);
  check_request(request, config);
  for (std::string_view name : {"host", "authorization"}) check_not_given(request, name);
  check_no_auth_parameters(request);
  if (config.expires < std::chrono::seconds{1} || config.expires > kMaxPresignLifetime)
    reject("a presigned URL lifetime must be 1 s .. 7 days, not " +
           std::to_string(config.expires.count()) + " s");
}

// The time and credential scope of one signature.
struct Stamp {
  std::string date_time;  // 20150830T123600Z
  std::string date;       // 20150830
  std::string scope;      // 20150830/us-east-1/s3/aws4_request

  explicit Stamp(const SigningConfig& config)
      : date_time(base::format_amz_date(config.time)),
        date(base::format_date_stamp(config.time)),
        scope(credential_scope(date, config)) {}
};

// Header mode: the caller's headers plus those the signature covers.
std::vector<Header> headers_to_sign(const Request& request, const Stamp& stamp,
                                    const SigningConfig& config, const Credentials& credentials) {
  std::vector<Header> headers = request.headers;
  headers.push_back({"host", request.host});
  headers.push_back({"x-amz-date", stamp.date_time});
  if (config.add_content_sha256_header)
    headers.push_back({"x-amz-content-sha256", request.payload_hash});
  if (signs_session_token(credentials, config))
    headers.push_back({"x-amz-security-token", credentials.session_token});
  return headers;
}

// Header mode: what the caller adds to the request (the token even when it
// is not signed).
std::vector<Header> headers_to_add(const Request& request, const Stamp& stamp,
                                   const SigningConfig& config, const Credentials& credentials,
                                   const std::string& signed_names, const std::string& signature) {
  std::vector<Header> headers{{"X-Amz-Date", stamp.date_time}};
  if (config.add_content_sha256_header)
    headers.push_back({"x-amz-content-sha256", request.payload_hash});
  if (!credentials.session_token.empty())
    headers.push_back({"X-Amz-Security-Token", credentials.session_token});
  headers.push_back({"Authorization", std::string(kAlgorithm) + " Credential=" +
                                          credentials.access_key_id + '/' + stamp.scope +
                                          ", SignedHeaders=" + signed_names +
                                          ", Signature=" + signature});
  return headers;
}

// Query mode: the caller's parameters plus the X-Amz-* ones that are signed.
detail::QueryParameters query_to_sign(const Request& request, const Stamp& stamp,
                                      const SigningConfig& config, const Credentials& credentials,
                                      const std::string& signed_names) {
  detail::QueryParameters query = request.query;
  query.emplace_back("X-Amz-Algorithm", std::string(kAlgorithm));
  query.emplace_back("X-Amz-Credential", credentials.access_key_id + '/' + stamp.scope);
  query.emplace_back("X-Amz-Date", stamp.date_time);
  query.emplace_back("X-Amz-Expires", std::to_string(config.expires.count()));
  query.emplace_back("X-Amz-SignedHeaders", signed_names);
  if (signs_session_token(credentials, config))
    query.emplace_back("X-Amz-Security-Token", credentials.session_token);
  return query;
}

}  // namespace

Signer::Signer(Credentials credentials) : credentials_(std::move(credentials)) {}

std::shared_ptr<const std::string> Signer::signing_key(const std::string& date,
                                                       const std::string& region,
                                                       const std::string& service) const {
  const std::string cache_key = date + '/' + region + '/' + service;
  std::lock_guard lock(cache_mutex_);
  if (auto found = key_cache_.find(cache_key); found != key_cache_.end()) return found->second;
  if (key_cache_.size() >= kMaxCachedKeys) key_cache_.clear();
  auto key = std::make_shared<const std::string>(
      derive_signing_key(credentials_.secret_access_key, date, region, service));
  key_cache_.emplace(cache_key, key);
  return key;
}

void Signer::finish(SigningResult& result, const std::string& date_time,
                    const std::string& date, const std::string& scope,
                    const SigningConfig& config) const {
  result.string_to_sign = string_to_sign(date_time, scope, result.canonical_request);
  const auto key = signing_key(date, config.region, config.service);
  result.signature = base::hex_encode(hmac_sha256(*key, result.string_to_sign));
}

SigningResult Signer::sign(const Request& request, const SigningConfig& config) const {
  check_header_mode(request, config, credentials_);
  const Stamp stamp(config);
  const detail::CanonicalHeaders canonical =
      detail::canonical_headers(headers_to_sign(request, stamp, config, credentials_));
  SigningResult result;
  result.canonical_request =
      detail::canonical_request(request.method, request.path, detail::canonical_query(request.query),
                                canonical, request.payload_hash);
  finish(result, stamp.date_time, stamp.date, stamp.scope, config);
  result.headers = headers_to_add(request, stamp, config, credentials_, canonical.signed_names,
                                  result.signature);
  return result;
}

SigningResult Signer::presign(const Request& request, const SigningConfig& config) const {
  check_query_mode(request, config, credentials_);
  const Stamp stamp(config);
  std::vector<Header> headers = request.headers;
  headers.push_back({"host", request.host});
  const detail::CanonicalHeaders canonical = detail::canonical_headers(headers);
  const std::string canonical_query = detail::canonical_query(
      query_to_sign(request, stamp, config, credentials_, canonical.signed_names));
  SigningResult result;
  result.canonical_request = detail::canonical_request(request.method, request.path,
                                                       canonical_query, canonical,
                                                       request.payload_hash);
  finish(result, stamp.date_time, stamp.date, stamp.scope, config);
  result.query_string = canonical_query;
  if (!credentials_.session_token.empty() && !signs_session_token(credentials_, config))
    result.query_string += "&X-Amz-Security-Token=" + uri_encode(credentials_.session_token, false);
  result.query_string += "&X-Amz-Signature=" + result.signature;
  return result;
}

}  // namespace sigv4
