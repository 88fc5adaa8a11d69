// EC2 instance metadata (IMDS): an IMDSv2 session token (PUT with its TTL),
// then the instance role's name and its credentials. IMDSv1 (the same GETs
// without a token) only when allowed. Every request is bounded by the
// options' timeout (about a second), so a machine that is not on EC2 learns
// it quickly.
#include "sigv4/credential_providers.hpp"

#include "credential_fields.hpp"
#include "provider_base.hpp"
#include "provider_http.hpp"

namespace sigv4 {
namespace {

constexpr const char* kTokenPath = "/latest/api/token";
constexpr const char* kRolePath = "/latest/meta-data/iam/security-credentials/";
constexpr std::chrono::seconds kTokenLifetime{21600};  // the most IMDS grants
constexpr std::chrono::seconds kTokenRenewal{60};     // renewed this long before its end

class ImdsProvider final : public ProviderBase<ImdsOptions> {
 public:
  ImdsProvider(ImdsOptions options, std::string name) : ProviderBase(std::move(options), std::move(name)) {
    while (!options_.endpoint.empty() && options_.endpoint.back() == '/') options_.endpoint.pop_back();
  }

  TimedCredentials fetch() override {
    std::optional<std::string> token = session_token();
    ProviderResponse role = get(kRolePath, token);
    if (role.status == 401 && token) {  // the session token ran out early: one new one
      token_.reset();
      token = session_token();
      role = get(kRolePath, token);
    }
    if (role.status == 404)
      fail(CredentialsError::Cause::Configuration, "no IAM role is attached to this instance (" +
                                                       service() + " answered HTTP 404)");
    expect_ok(role, "the role name");
    const std::string role_name = role.body.substr(0, role.body.find_first_of("\r\n"));
    if (role_name.empty()) fail(CredentialsError::Cause::Provider, service() + " gave an empty role name");
    const ProviderResponse answer = get(kRolePath + uri_encode(role_name, false), token);
    expect_ok(answer, "the credentials of role " + role_name);
    const auto document = parse_json_quietly(answer.body);
    if (!document || !document->is_object())
      fail(CredentialsError::Cause::Provider, service() + " answered something that is not JSON");
    if (const auto code = document->find("Code");
        code != document->end() && (!code->is_string() || code->get<std::string>() != "Success"))
      fail(CredentialsError::Cause::Provider,
           service() + " reports " + (code->is_string() ? code->get<std::string>() : "a failure"));
    return by_our_clock(credentials_from_json(*document, CredentialFieldNames{}, name_), answer);
  }

 private:
  std::string service() const { return "EC2 instance metadata at " + url_origin(options_.endpoint); }

  void expect_ok(const ProviderResponse& response, const std::string& what) const {
    if (response.status != 200)
      fail(CredentialsError::Cause::Provider,
           service() + " answered HTTP " + std::to_string(response.status) + " for " + what);
  }

  ProviderResponse exchange(const std::string& method, const std::string& path,
                            std::vector<std::string> headers) const {
    return provider_exchange(options_.http, {method, options_.endpoint + path, std::move(headers), {}},
                             name_, service());
  }

  ProviderResponse get(const std::string& path, const std::optional<std::string>& token) const {
    std::vector<std::string> headers;
    if (token) headers.push_back("X-aws-ec2-metadata-token: " + *token);
    return exchange("GET", path, std::move(headers));
  }

  /// The IMDSv2 session token, nullopt for IMDSv1.
  std::optional<std::string> session_token() {
    const auto now = std::chrono::steady_clock::now();
    if (token_ && now < token_renewal_) return token_;
    const ProviderResponse answer =
        exchange("PUT", kTokenPath,
                 {"X-aws-ec2-metadata-token-ttl-seconds: " + std::to_string(kTokenLifetime.count())});
    if (answer.status == 200 && !answer.body.empty()) {
      check_header_value(answer.body, "the IMDSv2 token", name_);
      token_ = answer.body;
      token_renewal_ = now + kTokenLifetime - kTokenRenewal;
      return token_;
    }
    const bool refused = answer.status == 403 || answer.status == 404 || answer.status == 405;
    if (refused && options_.allow_v1) return std::nullopt;
    fail(refused ? CredentialsError::Cause::Configuration : CredentialsError::Cause::Provider,
         service() + " answered HTTP " + std::to_string(answer.status) + " to the IMDSv2 token request" +
             (refused ? " and IMDSv1 is not enabled" : ""));
  }

  std::optional<std::string> token_;
  std::chrono::steady_clock::time_point token_renewal_{};
};

}  // namespace

std::shared_ptr<CredentialsProvider> imds_provider(ImdsOptions options, std::string name) {
  return std::make_shared<ImdsProvider>(std::move(options), std::move(name));
}

}  // namespace sigv4
