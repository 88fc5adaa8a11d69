#include "request_executor.hpp"

#include <cstdlib>
#include <optional>
#include <thread>

#include "base/text.hpp"
#include "clock_skew.hpp"
#include "redact.hpp"
#include "sigv4/credential_providers.hpp"
#include "retry.hpp"
#include "s3_xml.hpp"

namespace sigv4 {
namespace {

constexpr std::string_view kEmptyPayloadHash =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// S3's answers when the session token ran out before we thought it would.
bool token_expired(const std::string& code) {
  return code == "ExpiredToken" || code == "TokenRefreshRequired";
}

std::shared_ptr<CredentialsProvider> provider_of(const S3Config& config) {
  if (config.credentials_provider) return config.credentials_provider;
  return static_provider(config.credentials, "static credentials");
}

// Used when the body carries no <Code> (HEAD answers have no body at all).
std::string code_for_status(long status) {
  switch (status) {
    case 301: return "PermanentRedirect";
    case 400: return "BadRequest";
    case 403: return "Forbidden";
    case 404: return "NotFound";
    case 405: return "MethodNotAllowed";
    case 409: return "Conflict";
    case 411: return "MissingContentLength";
    case 412: return "PreconditionFailed";
    case 416: return "InvalidRange";
    case 429: return "TooManyRequests";
    case 503: return "ServiceUnavailable";
    default: return status >= 500 ? "ServerError" : "HttpError";
  }
}

struct Failure {
  S3Error error;
  bool retryable;
  bool throttled = false;
  bool timed_out = false;
};

std::optional<Failure> transport_failure(const HttpOutcome& outcome, const S3Request& request) {
  if (outcome.curl_code == CURLE_OK) return std::nullopt;
  return Failure{S3Error(0, std::string(transport_error_code(outcome.curl_code, outcome.os_errno)),
                         redact_secrets(outcome.curl_message), "", request.operation),
                 retryable_transport(outcome.curl_code, outcome.os_errno), false,
                 outcome.curl_code == CURLE_OPERATION_TIMEDOUT};
}

std::optional<Failure> server_failure(const HttpOutcome& outcome, const S3Request& request) {
  const bool ok_status = outcome.status >= 200 && outcome.status < 300;
  if (ok_status && !request.error_in_ok_body) return std::nullopt;
  auto document = outcome.body.empty() ? std::nullopt : xml::parse_error(outcome.body);
  if (ok_status && !document) return std::nullopt;
  xml::ErrorDocument error = document.value_or(xml::ErrorDocument{});
  if (error.code.empty()) error.code = code_for_status(outcome.status);
  if (error.request_id.empty()) error.request_id = outcome.header("x-amz-request-id");
  const long status = ok_status ? 500 : outcome.status;
  return Failure{S3Error(static_cast<int>(outcome.status), error.code, error.message,
                         error.request_id, request.operation),
                 retryable_status(status, error.code), throttling_status(status, error.code)};
}

std::optional<Failure> failure_of(const HttpOutcome& outcome, const S3Request& request) {
  if (auto failure = transport_failure(outcome, request)) return failure;
  return server_failure(outcome, request);
}

}  // namespace

void S3Request::set_header(const std::string& name, std::string value) {
  for (auto& header : headers)
    if (base::equals_ignoring_case(header.name, name)) {
      header.value = std::move(value);
      return;
    }
  headers.push_back({name, std::move(value)});
}

std::string S3Response::header(std::string_view lower_name) const {
  for (const auto& header : headers)
    if (header.name == lower_name) return header.value;
  return {};
}

RequestExecutor::RequestExecutor(S3Config config)
    : config_(std::move(config)),
      endpoint_(parse_endpoint(config_.endpoint, config_.region)),
      credentials_(provider_of(config_), {config_.trace, config_.notify, [this] { pool_.close_idle(); }}),
      transfer_{config_.connect_timeout, config_.stall_timeout, config_.ca_bundle},
      retry_quota_(config_.retry_budget) {
  if (config_.max_attempts < 1) config_.max_attempts = 1;
}

void RequestExecutor::end_requests_by(std::chrono::steady_clock::time_point end) {
  end_of_requests_ = end.time_since_epoch().count();
}

std::chrono::milliseconds RequestExecutor::time_limit() const {
  const auto end_ticks = end_of_requests_.load();
  if (end_ticks == 0) return config_.deadline;
  const std::chrono::steady_clock::time_point end{std::chrono::steady_clock::duration(end_ticks)};
  // At least 1 ms: a limit of 0 would mean none.
  const auto left = std::max(std::chrono::ceil<std::chrono::milliseconds>(end - std::chrono::steady_clock::now()),
                             std::chrono::milliseconds(1));
  return config_.deadline.count() == 0 ? left : std::min(left, config_.deadline);
}

std::chrono::system_clock::time_point RequestExecutor::now() const {
  return std::chrono::system_clock::now() + std::chrono::seconds(clock_offset_seconds_.load());
}

S3Response RequestExecutor::execute(S3Request& request) {
  if (config_.before_first_request) std::call_once(first_request_, config_.before_first_request);
  std::string payload_hash(kEmptyPayloadHash);
  if (config_.unsigned_payload && endpoint_.scheme == "https") {
    payload_hash = "UNSIGNED-PAYLOAD";
  } else if (request.body != nullptr) {
    payload_hash = request.body->sha256_hex();
  }
  HttpOutcome outcome;
  bool clock_corrected = false, token_renewed = false;
  int quota_taken = 0;  // given back when the request succeeds
  const Deadline deadline(time_limit());
  for (int attempt_number = 1;; ++attempt_number) {
    if (request.before_attempt)
      request.before_attempt(request, attempt_number == 1 ? nullptr : &outcome);
    const std::shared_ptr<const Signer> signer = credentials_.signer();
    outcome = attempt(request, payload_hash, attempt_number, *signer, deadline);
    if (outcome.callback_error) std::rethrow_exception(outcome.callback_error);
    auto failure = failure_of(outcome, request);
    if (!failure) {
      retry_quota_.release(quota_taken > 0 ? quota_taken : RetryQuota::kSuccessRefund);
      return {outcome.status, std::move(outcome.headers), std::move(outcome.body)};
    }
    // A skewed clock is fixed once, at once, without using up an attempt.
    if (!clock_corrected && adopt_server_clock(outcome, failure->error.code())) {
      clock_corrected = true;
      --attempt_number;
      continue;
    }
    // So is a session token the server calls expired: new credentials, once.
    if (!token_renewed && token_expired(failure->error.code())) {
      token_renewed = true;
      credentials_.expired(*signer);
      --attempt_number;
      continue;
    }
    if (!failure->retryable || attempt_number >= config_.max_attempts) throw failure->error;
    const auto wait = backoff_delay(
        {failure->throttled ? config_.throttle_backoff_base : config_.backoff_base, config_.backoff_cap},
        attempt_number, random_unit());
    if (deadline.passed_after(wait)) throw failure->error;
    const int cost = failure->timed_out ? RetryQuota::kTimeoutRetryCost : RetryQuota::kRetryCost;
    if (!retry_quota_.acquire(cost)) throw failure->error;
    quota_taken += cost;
    trace_retry(request, failure->error, failure->throttled, wait);
    std::this_thread::sleep_for(wait);
  }
}

void RequestExecutor::trace_retry(const S3Request& request, const S3Error& error, bool throttled,
                                  std::chrono::milliseconds wait) const {
  if (!config_.trace) return;
  const std::string line = "s3: " + request.operation + ": " + error.code() + ", retrying in " +
                           std::to_string(wait.count()) + " ms" + (throttled ? " (throttled)" : "") +
                           ", retry budget " + std::to_string(retry_quota_.available());
  std::lock_guard lock(trace_mutex_);
  config_.trace(line);
}

HttpOutcome RequestExecutor::attempt(const S3Request& request, const std::string& payload_hash,
                                     int attempt_number, const Signer& signer,
                                     const Deadline& deadline) {
  const Address address = address_of(endpoint_, config_.virtual_hosted, request.bucket, request.key);
  HttpCall call{request.method, url_of(endpoint_, address, request.query),
                signed_header_lines(request, address, payload_hash, signer), request.body,
                request.sink};
  auto lease = pool_.acquire();
  requests_.fetch_add(1);
  const auto started = std::chrono::steady_clock::now();
  TransferSettings transfer = transfer_;
  transfer.total_timeout = deadline.remaining();  // 0: no deadline
  HttpOutcome outcome = perform_http(lease.handle(), call, transfer);
  // At this process's open-file limit, the idle connections give their
  // descriptors back: what follows (an upload's abort, a removal) may then
  // open the socket it needs, where the pool's LIFO would hand it this
  // handle, which has none.
  if (out_of_descriptors(outcome.os_errno)) pool_.close_idle();
  trace_attempt(request, address, outcome, attempt_number,
                std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - started));
  return outcome;
}

std::vector<std::string> RequestExecutor::signed_header_lines(const S3Request& request,
                                                              const Address& address,
                                                              const std::string& payload_hash,
                                                              const Signer& signer) const {
  Request description{request.method, address.host, address.path, request.query,
                      request.headers, payload_hash};
  SigningConfig signing;
  signing.region = config_.region;
  signing.time = now();
  const SigningResult signed_request = signer.sign(description, signing);

  std::vector<std::string> lines{"Host: " + address.host};
  std::vector<std::string> names{"host"};
  auto add = [&](const Header& header) {
    for (const auto& name : names)
      if (base::equals_ignoring_case(name, header.name)) return;
    names.push_back(header.name);
    lines.push_back(header.name + ": " + header.value);
  };
  for (const auto& header : request.headers) add(header);
  for (const auto& header : signed_request.headers) add(header);
  lines.emplace_back("Expect:");  // no 100-continue round trip
  return lines;
}

bool RequestExecutor::adopt_server_clock(const HttpOutcome& outcome, const std::string& code) {
  if (code != "RequestTimeTooSkewed" && outcome.status != 403) return false;
  const std::optional<std::chrono::seconds> offset = server_clock_offset(outcome.header("date"));
  if (!offset) return false;
  const auto change = *offset - std::chrono::seconds(clock_offset_seconds_.load());
  if (code != "RequestTimeTooSkewed" && std::chrono::abs(change) < kSkewWorthCorrecting)
    return false;
  clock_offset_seconds_.store(offset->count());
  return true;
}

void RequestExecutor::trace_attempt(const S3Request& request, const Address& address,
                                    const HttpOutcome& outcome, int attempt_number,
                                    std::chrono::milliseconds elapsed) const {
  if (!config_.trace) return;
  std::string line = "s3: " + request.method + " " + encoded_target(address, request.query) + " -> ";
  line += outcome.curl_code == CURLE_OK
              ? std::to_string(outcome.status)
              : std::string(transport_error_code(outcome.curl_code, outcome.os_errno)) + " (" +
                    outcome.curl_message + ")";
  line += ", sent " + std::to_string(outcome.bytes_sent) + " B, received " +
          std::to_string(outcome.bytes_received) + " B, " + std::to_string(elapsed.count()) +
          " ms, attempt " + std::to_string(attempt_number) + "/" +
          std::to_string(config_.max_attempts) +
          (outcome.new_connection ? ", new connection"
           : outcome.connected    ? ", reused connection"
                                  : ", no connection");
  const std::string redacted = redact_secrets(line);
  std::lock_guard lock(trace_mutex_);
  config_.trace(redacted);
}

std::string RequestExecutor::presign_get(const std::string& bucket, const std::string& key,
                                         std::chrono::seconds lifetime,
                                         const std::vector<std::pair<std::string, std::string>>& query) const {
  const Address address = address_of(endpoint_, config_.virtual_hosted, bucket, key);
  Request description{"GET", address.host, address.path, query, {}, "UNSIGNED-PAYLOAD"};
  SigningConfig signing;
  signing.region = config_.region;
  signing.time = now();
  signing.expires = lifetime;
  const SigningResult presigned = credentials_.signer()->presign(description, signing);
  return endpoint_.scheme + "://" + address.host + uri_encode(address.path, true) + "?" +
         presigned.query_string;
}

}  // namespace sigv4
