// Test tool for the botocore differential: reads JSON Lines of request
// descriptions on stdin, signs each with sigv4::Signer, writes one JSON line
// per request (every signing stage, or "error") on stdout.
//
// Input line: {"id", "mode": "header"|"query", "method", "host", "path",
//   "query": [[name, value]...], "headers": [[name, value]...],
//   "payload_hash", "access_key", "secret_key", "token", "region", "service",
//   "time": "YYYYMMDDTHHMMSSZ", "expires": seconds}
// Path, query and header values are raw (not percent-encoded).
#include <iostream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "test_data.hpp"

namespace {

using nlohmann::json;

sigv4::Request request_from(const json& input) {
  sigv4::Request request;
  request.method = input.at("method");
  request.host = input.at("host");
  request.path = input.at("path");
  for (const auto& pair : input.at("query")) request.query.emplace_back(pair.at(0), pair.at(1));
  for (const auto& pair : input.at("headers")) request.headers.push_back({pair.at(0), pair.at(1)});
  request.payload_hash = input.at("payload_hash");
  return request;
}

sigv4::SigningConfig config_from(const json& input) {
  sigv4::SigningConfig config;
  config.region = input.at("region");
  config.service = input.at("service");
  config.time = sigv4_test::parse_utc(input.at("time").get<std::string>());
  config.expires = std::chrono::seconds(input.at("expires").get<long>());
  return config;
}

json sign_one(const json& input) {
  const sigv4::Signer signer({input.at("access_key"), input.at("secret_key"), input.at("token")});
  const bool header_mode = input.at("mode") == "header";
  const auto request = request_from(input);
  const auto config = config_from(input);
  const auto result = header_mode ? signer.sign(request, config) : signer.presign(request, config);
  json headers = json::object();
  for (const auto& header : result.headers) headers[header.name] = header.value;
  return {{"id", input.at("id")},
          {"canonical_request", result.canonical_request},
          {"string_to_sign", result.string_to_sign},
          {"signature", result.signature},
          {"headers", headers},
          {"query_string", result.query_string}};
}

}  // namespace

int main() {
  std::ios::sync_with_stdio(false);
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.empty()) continue;
    const json input = json::parse(line);
    json output;
    try {
      output = sign_one(input);
    } catch (const std::exception& error) {
      output = {{"id", input.value("id", -1)}, {"error", error.what()}};
    }
    std::cout << output.dump(-1, ' ', false, json::error_handler_t::replace) << '\n';
  }
  return 0;
}
