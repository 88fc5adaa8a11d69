// IAM Identity Center (SSO): the access token `aws sso login` cached in
// ~/.aws/sso/cache/<sha1 of the session name or start URL>.json, then
// GetRoleCredentials on the SSO portal. The token is never refreshed here:
// when it is missing or expired, the user is told to log in again.
#include "sigv4/credential_providers.hpp"

#include "../crypto.hpp"
#include "credential_fields.hpp"
#include "provider_base.hpp"
#include "provider_http.hpp"

namespace sigv4 {
namespace {

class SsoProvider final : public ProviderBase<SsoOptions> {
 public:
  using ProviderBase::ProviderBase;

  TimedCredentials fetch() override {
    const std::string token = cached_token();
    const std::string url = endpoint() + "/federation/credentials?account_id=" +
                            uri_encode(options_.account_id, false) +
                            "&role_name=" + uri_encode(options_.role_name, false);
    ProviderRequest request{"GET", url, {"x-amz-sso_bearer_token: " + token}, {}};
    const std::string service = "SSO portal at " + url_origin(url);
    const ProviderResponse response = provider_exchange(options_.http, request, name_, service);
    // 401: the token is no longer good, which a login mends. 403
    // (ForbiddenException): the role is not the user's, which it does not.
    if (response.status == 401)
      login_again("the SSO portal refused the cached token (HTTP 401" + service_error(response) + ")");
    if (response.status == 403)
      provider_error(service + " refused role " + options_.role_name + " of account " + options_.account_id +
                     " (HTTP 403" + service_error(response) + ")");
    if (response.status != 200)
      provider_error(service + " answered HTTP " + std::to_string(response.status) + service_error(response));
    const auto document = parse_json_quietly(response.body);
    if (!document) provider_error(service + " answered something that is not JSON");
    if (!document->contains("roleCredentials") || !(*document)["roleCredentials"].is_object())
      provider_error(service + " answered without roleCredentials");
    return by_our_clock(role_credentials((*document)["roleCredentials"]), response);
  }

 private:
  [[noreturn]] void provider_error(const std::string& why) const {
    fail(CredentialsError::Cause::Provider, why);
  }
  [[noreturn]] void login_again(const std::string& why) const {
    fail(CredentialsError::Cause::Configuration, why + ": run `" + options_.login_hint + "`");
  }

  std::string endpoint() const {
    std::string url = options_.endpoint.empty()
                          ? "https://portal.sso." + options_.region + ".amazonaws.com"
                          : options_.endpoint;
    while (!url.empty() && url.back() == '/') url.pop_back();
    return url;
  }

  /// ", ForbiddenException: No access to role": the error's type (its
  /// header, else the body's __type) and the body's message, as the AWS CLI
  /// shows them; "" when the answer has neither.
  static std::string service_error(const ProviderResponse& response) {
    std::string type = response.header("x-amzn-errortype");
    std::string message;
    if (const auto body = parse_json_quietly(response.body); body && body->is_object()) {
      if (type.empty() && body->contains("__type") && (*body)["__type"].is_string()) type = (*body)["__type"];
      for (const char* key : {"message", "Message"})
        if (message.empty() && body->contains(key) && (*body)[key].is_string()) message = (*body)[key];
    }
    type = type.substr(0, type.find(':'));          // "ForbiddenException:http://..." in the header
    type = type.substr(type.rfind('#') + 1);        // "com.amazonaws.sso#ForbiddenException" in the body
    const std::string both = type.empty() || message.empty() ? type + message : type + ": " + message;
    return both.empty() ? "" : ", " + both;
  }

  std::string cache_file() const {
    const std::string& key = options_.session_name.empty() ? options_.start_url : options_.session_name;
    return options_.token_cache_dir + "/" + sha1_hex(key) + ".json";
  }

  std::string cached_token() const {
    const std::string path = cache_file();
    std::string content;
    try {
      content = read_token_file(path, "SSO token cache", name_);
    } catch (const CredentialsError&) {
      login_again("no SSO token is cached in " + path);
    }
    const auto document = parse_json_quietly(content);
    if (!document || !document->is_object())
      login_again("the SSO token cache " + path + " is not a JSON object (cut short, or not written by aws sso login)");
    for (const char* field : {"accessToken", "expiresAt"})
      if (!document->contains(field) || !(*document)[field].is_string() ||
          (*document)[field].get<std::string>().empty())
        login_again("the SSO token cache " + path + " holds no " + field);
    std::string expires_at = (*document)["expiresAt"].get<std::string>();
    // The AWS CLI v1 wrote "2030-01-01T00:00:00UTC"; botocore reads it still.
    if (expires_at.ends_with("UTC")) expires_at.replace(expires_at.size() - 3, 3, "Z");
    const auto expires = parse_rfc3339(expires_at);
    if (!expires) login_again("the SSO token cache " + path + " has an unreadable expiresAt");
    if (*expires <= std::chrono::system_clock::now())
      login_again("the SSO token cached in " + path + " expired at " + format_rfc3339(*expires));
    std::string token = (*document)["accessToken"].get<std::string>();
    check_header_value(token, "the SSO token cached in " + path, name_);
    return token;
  }

  // GetRoleCredentials names its fields in camel case and gives the
  // expiration in milliseconds since the epoch.
  TimedCredentials role_credentials(const nlohmann::json& role) const {
    nlohmann::json fields = role;
    fields.erase("expiration");
    CredentialFieldNames names{"accessKeyId", "secretAccessKey", "sessionToken", "expiration"};
    TimedCredentials timed = credentials_from_json(fields, names, name_);
    if (const auto expiration = role.find("expiration"); expiration != role.end()) {
      if (!expiration->is_number_integer()) provider_error("the answer's expiration is not a number");
      timed.expiration = TimePoint(std::chrono::milliseconds(expiration->get<std::int64_t>()));
    }
    return timed;
  }
};

}  // namespace

std::shared_ptr<CredentialsProvider> sso_provider(SsoOptions options, std::string name) {
  return std::make_shared<SsoProvider>(std::move(options), std::move(name));
}

}  // namespace sigv4
