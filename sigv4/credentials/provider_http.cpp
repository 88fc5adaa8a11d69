#include "provider_http.hpp"

#include <algorithm>
#include <thread>

#include "sigv4/memory_body.hpp"
#include "../clock_skew.hpp"
#include "../redact.hpp"
#include "../retry.hpp"

namespace sigv4 {
namespace {

constexpr BackoffPolicy kProviderBackoff{std::chrono::milliseconds(100),
                                         std::chrono::milliseconds(1000)};

TransferSettings transfer_settings(const ProviderHttp& http) {
  TransferSettings settings;
  settings.connect_timeout = http.connect_timeout;
  settings.stall_timeout = http.stall_timeout;
  settings.ca_bundle = http.ca_bundle;
  settings.total_timeout = http.timeout;
  return settings;
}

// An attempt's limit: the provider's own, cut to what the deadline leaves.
std::chrono::milliseconds attempt_limit(const ProviderHttp& http, const Deadline& deadline) {
  const auto left = deadline.remaining();  // 0: no deadline
  if (left.count() == 0) return http.timeout;
  return http.timeout.count() == 0 ? left : std::min(http.timeout, left);
}

// The URL without its query: SSO puts the account in it, which is no secret
// but need not be repeated either.
std::string without_query(const std::string& url) { return url.substr(0, url.find('?')); }

void trace_exchange(const ProviderHttp& http, const ProviderRequest& request,
                    const HttpOutcome& outcome, std::chrono::milliseconds elapsed, int attempt) {
  if (!http.trace) return;
  std::string line = "credentials: " + request.method + " " + without_query(request.url) + " -> ";
  line += outcome.curl_code == CURLE_OK
              ? std::to_string(outcome.status)
              : std::string(transport_error_code(outcome.curl_code, outcome.os_errno)) + " (" + outcome.curl_message + ")";
  line += ", " + std::to_string(elapsed.count()) + " ms, attempt " + std::to_string(attempt) + "/" +
          std::to_string(http.max_attempts);
  http.trace(redact_secrets(line));
}

std::string describe_duration(std::chrono::milliseconds duration) {
  if (duration.count() % 1000 == 0) return std::to_string(duration.count() / 1000) + " s";
  return std::to_string(duration.count()) + " ms";
}

bool worth_retrying(const HttpOutcome& outcome) {
  if (outcome.curl_code != CURLE_OK) return retryable_transport(outcome.curl_code, outcome.os_errno);
  return outcome.status >= 500 || outcome.status == 429;
}

}  // namespace

std::string ProviderResponse::header(std::string_view lower_name) const {
  for (const auto& entry : headers)
    if (entry.name == lower_name) return entry.value;
  return {};
}

std::string url_origin(const std::string& url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return url;
  const auto path = url.find_first_of("/?#", scheme_end + 3);
  std::string origin = url.substr(0, path);
  // The user part ends at the last '@': a password may hold one.
  if (const auto at = origin.rfind('@'); at != std::string::npos && at > scheme_end)
    origin.erase(scheme_end + 3, at - scheme_end - 2);
  return origin;
}

TimedCredentials by_our_clock(TimedCredentials fresh, const ProviderResponse& answer) {
  if (fresh.expiration)
    if (const auto skew = significant_clock_skew(answer.header("date"))) *fresh.expiration -= *skew;
  return fresh;
}

ProviderResponse provider_exchange(const ProviderHttp& http, const ProviderRequest& request,
                                   const std::string& provider, const std::string& service) {
  TransferSettings settings = transfer_settings(http);
  const int attempts = std::max(1, http.max_attempts);
  const Deadline deadline(http.deadline);
  HttpOutcome outcome;
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    settings.total_timeout = attempt_limit(http, deadline);
    MemoryBody body(request.body);
    std::vector<std::string> lines = request.header_lines;
    lines.emplace_back("Expect:");  // no 100-continue round trip
    HttpCall call{request.method, request.url, lines,
                  request.method == "GET" ? nullptr : &body, nullptr};
    CurlEasy easy;
    const auto started = std::chrono::steady_clock::now();
    outcome = perform_http(easy, call, settings);
    trace_exchange(http, request, outcome,
                   std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::steady_clock::now() - started),
                   attempt);
    if (!worth_retrying(outcome) || attempt == attempts) break;
    const auto wait = backoff_delay(kProviderBackoff, attempt, random_unit());
    if (deadline.passed_after(wait)) break;
    std::this_thread::sleep_for(wait);
  }
  if (outcome.curl_code != CURLE_OK) {
    // Nothing was sent: the limit is ours (ulimit -n), which the line names.
    if (out_of_descriptors(outcome.os_errno))
      throw CredentialsError(CredentialsError::Cause::LocalLimit, provider, outcome.curl_message);
    // Its own bound is named; a stall or the deadline is told in curl's words, as for S3.
    const bool own_bound = outcome.curl_code == CURLE_OPERATION_TIMEDOUT && !outcome.stalled &&
                           http.timeout.count() > 0 && settings.total_timeout == http.timeout;
    const std::string why = own_bound ? "no answer within " + describe_duration(http.timeout)
                                      : redact_secrets(outcome.curl_message);
    throw CredentialsError(CredentialsError::Cause::Provider, provider,
                           service + " not reachable: " +
                               std::string(transport_error_code(outcome.curl_code, outcome.os_errno)) + " (" + why + ")");
  }
  return {outcome.status, std::move(outcome.body), std::move(outcome.headers)};
}

}  // namespace sigv4
