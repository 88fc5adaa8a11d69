#include "sts_call.hpp"

#include <pugixml.hpp>

#include "base/sha256.hpp"
#include "../clock_skew.hpp"
#include "../endpoint.hpp"
#include "../error_code_text.hpp"
#include "credential_fields.hpp"
#include "provider_http.hpp"

namespace sigv4 {
namespace {

constexpr const char* kStsVersion = "2011-06-15";
constexpr const char* kFormType = "application/x-www-form-urlencoded; charset=utf-8";

std::string signing_region(const StsSettings& sts) {
  return sts.region.empty() || sts.region == "auto" ? "us-east-1" : sts.region;
}

std::string form_body(const std::string& action, const FormFields& fields) {
  std::string body = "Action=" + uri_encode(action, false) + "&Version=" + kStsVersion;
  for (const auto& [name, value] : fields) body += "&" + uri_encode(name, false) + "=" + uri_encode(value, false);
  return body;
}

std::string_view local_name(const char* name) {
  std::string_view full(name);
  const auto colon = full.find(':');
  return colon == std::string_view::npos ? full : full.substr(colon + 1);
}

// The first element called `name` anywhere below `node` (STS answers nest
// Credentials in <Action>Result, errors put Code in Error, maybe inside
// ErrorResponse).
pugi::xml_node find_element(pugi::xml_node node, std::string_view name) {
  for (pugi::xml_node child : node.children()) {
    if (child.type() != pugi::node_element) continue;
    if (local_name(child.name()) == name) return child;
    if (pugi::xml_node found = find_element(child, name)) return found;
  }
  return {};
}

std::string text_of(pugi::xml_node parent, std::string_view name) {
  return find_element(parent, name).child_value();
}

// Whatever the server wrote, a secret we sent is not repeated in a message.
std::string scrubbed(std::string text, const std::vector<std::string>& secrets) {
  for (const std::string& secret : secrets) {
    if (secret.empty()) continue;
    for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at))
      text.replace(at, secret.size(), "<redacted>");
  }
  return text;
}

TimedCredentials parse_answer(const ProviderResponse& response, const std::string& where,
                              const std::string& provider, const std::vector<std::string>& secrets) {
  pugi::xml_document document;
  const bool parsed = static_cast<bool>(document.load_buffer(response.body.data(), response.body.size()));
  if (response.status < 200 || response.status >= 300) {
    const std::string code = parsed ? text_of(document, "Code") : "";
    const std::string message = parsed ? scrubbed(text_of(document, "Message"), secrets) : "";
    std::string why = where + ": " + (code.empty() ? "error" : code);
    if (const std::string_view reason = error_reason(code, message); !reason.empty()) why += ": " + std::string(reason);
    // The arguments of an STS call are the profile's, which the user can change.
    if (code == "InvalidArgument" && message.empty())
      why += " (a role_session_name, duration_seconds or external_id the server refuses, say)";
    throw CredentialsError(CredentialsError::Cause::Provider, provider,
                           why + " (HTTP " + std::to_string(response.status) + ")");
  }
  const pugi::xml_node credentials = parsed ? find_element(document, "Credentials") : pugi::xml_node{};
  if (!credentials)
    throw CredentialsError(CredentialsError::Cause::Provider, provider,
                           where + ": the answer holds no Credentials element");
  nlohmann::json fields = nlohmann::json::object();
  for (const char* name : {"AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"})
    if (pugi::xml_node node = find_element(credentials, name)) fields[name] = node.child_value();
  CredentialFieldNames names;
  names.session_token = "SessionToken";
  return credentials_from_json(fields, names, provider);
}

}  // namespace

std::string regional_sts_endpoint(const std::string& region) {
  if (region.empty() || region == "auto") return "https://sts.amazonaws.com";
  const bool china = region.rfind("cn-", 0) == 0;
  return "https://sts." + region + ".amazonaws.com" + (china ? ".cn" : "");
}

std::string sts_endpoint_of(const StsSettings& sts) {
  return sts.endpoint.empty() ? regional_sts_endpoint(sts.region) : sts.endpoint;
}

TimedCredentials call_sts(const StsSettings& sts, const std::string& action, const FormFields& fields,
                          const Credentials* signing, const std::string& provider) {
  Endpoint endpoint;
  try {
    endpoint = parse_endpoint(sts_endpoint_of(sts), signing_region(sts));
  } catch (const std::invalid_argument&) {
    throw CredentialsError(CredentialsError::Cause::Configuration, provider,
                           "the STS endpoint '" + sts_endpoint_of(sts) + "' is not http(s)://host[:port]");
  }
  const std::string body = form_body(action, fields);
  std::vector<std::string> secrets;
  for (const auto& [name, value] : fields)
    if (name == "WebIdentityToken") secrets.push_back(value);
  if (signing != nullptr) {
    secrets.push_back(signing->secret_access_key);
    secrets.push_back(signing->session_token);
  }
  // AssumeRole is signed, and so carries the time of our clock.
  auto request_at = [&](std::chrono::system_clock::time_point time) {
    ProviderRequest request{"POST", endpoint.scheme + "://" + endpoint.host + "/",
                            {"Content-Type: " + std::string(kFormType)}, body};
    if (signing == nullptr) return request;
    Request description{
        "POST", endpoint.host, "/", {}, {{"Content-Type", kFormType}}, base::sha256_hex(body)};
    SigningConfig config;
    config.region = signing_region(sts);
    config.service = "sts";
    config.time = time;
    config.add_content_sha256_header = false;
    try {
      for (const Header& header : Signer(*signing).sign(description, config).headers)
        request.header_lines.push_back(header.name + ": " + header.value);
    } catch (const std::invalid_argument& error) {
      throw CredentialsError(CredentialsError::Cause::Configuration, provider, error.what());
    }
    request.header_lines.push_back("Host: " + endpoint.host);
    return request;
  };
  const ProviderRequest request = request_at(std::chrono::system_clock::now());
  const std::string service = "STS at " + url_origin(request.url);
  const std::string where = "STS " + action + " at " + url_origin(request.url);
  ProviderResponse response = provider_exchange(sts.http, request, provider, service);
  // Refused for a clock far from the server's: signed again at its time, once.
  if (signing != nullptr && response.status == 403)
    if (const auto skew = significant_clock_skew(response.header("date")))
      response = provider_exchange(sts.http, request_at(std::chrono::system_clock::now() + *skew), provider, service);
  return by_our_clock(parse_answer(response, where, provider, secrets), response);
}

}  // namespace sigv4
