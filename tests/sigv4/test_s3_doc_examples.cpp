// The S3 examples published in the AWS documentation (data/s3-doc-examples.json):
// the four Authorization-header examples and the presigned GET.
// The aws-chunked streaming example is not checked: claimcheck never sends
// streaming payloads, because radosgw and R2 do not support them.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "base/encoding.hpp"
#include "base/sha256.hpp"
#include "test_data.hpp"

namespace {

using nlohmann::json;

json load_examples() {
  return json::parse(sigv4_test::read_file(sigv4_test::data_dir() / "s3-doc-examples.json"));
}

sigv4::Signer signer_for(const json& common) {
  return sigv4::Signer({common.at("access_key_id"), common.at("secret_access_key"), ""});
}

sigv4::SigningConfig config_for(const json& common) {
  sigv4::SigningConfig config;
  config.region = common.at("region");
  config.service = common.at("service");
  config.time = sigv4_test::parse_utc(common.at("amz_date").get<std::string>());
  return config;
}

// "/?max-keys=2&prefix=J" or object_key "test.txt" -> path and raw query.
void set_target(const json& example, sigv4::Request& request) {
  if (example.contains("object_key")) {
    request.path = "/" + example.at("object_key").get<std::string>();
    return;
  }
  const std::string target = example.at("request_target");
  const auto question = target.find('?');
  request.path = target.substr(0, question);
  for (const auto& part : sigv4_test::sorted_query_parts(target.substr(question + 1))) {
    const auto equals = part.find('=');
    request.query.emplace_back(part.substr(0, equals),
                               equals == std::string::npos ? "" : part.substr(equals + 1));
  }
}

// Headers the signer adds itself are left out of the request description.
sigv4::Request header_request(const json& example) {
  sigv4::Request request;
  request.method = example.at("method");
  request.host = example.at("host");
  set_target(example, request);
  request.payload_hash = example.at("payload_hash");
  for (const auto& [name, value] : example.at("request_headers").items())
    if (name != "Host" && name != "x-amz-date" && name != "x-amz-content-sha256")
      request.headers.push_back({name, value.get<std::string>()});
  return request;
}

std::string line(const std::string& text, int index) {
  std::size_t start = 0;
  for (int i = 0; i < index; ++i) start = text.find('\n', start) + 1;
  return text.substr(start, text.find('\n', start) - start);
}

std::string without_spaces_after_commas(std::string text) {
  for (std::size_t at; (at = text.find(", ")) != std::string::npos;) text.erase(at + 1, 1);
  return text;
}

}  // namespace

TEST_CASE("S3 documentation: Authorization-header examples") {
  const json examples = load_examples();
  const json& common = examples.at("common");
  const auto signer = signer_for(common);
  int checked = 0;
  for (const auto& example : examples.at("header_examples")) {
    INFO("example ", example.at("name").get<std::string>());
    const auto result = signer.sign(header_request(example), config_for(common));
    CHECK(line(result.canonical_request, 1) == example.at("canonical_uri"));
    CHECK(line(result.canonical_request, 2) == example.at("canonical_query"));
    CHECK(base::sha256_hex(result.canonical_request) == example.at("canonical_request_sha256"));
    CHECK(result.signature == example.at("signature"));
    CHECK(without_spaces_after_commas(result.headers.back().value) == example.at("authorization"));
    ++checked;
  }
  MESSAGE("S3 header examples checked: ", checked);
  CHECK(checked == 4);
}

TEST_CASE("S3 documentation: presigned GET") {
  const json examples = load_examples();
  const json& common = examples.at("common");
  const json& example = examples.at("presigned_url_example");
  sigv4::Request request;
  request.method = example.at("method");
  request.host = example.at("host");
  request.path = "/" + example.at("object_key").get<std::string>();
  request.payload_hash = example.at("payload_hash");
  auto config = config_for(common);
  config.expires = std::chrono::seconds(example.at("expires_seconds").get<int>());

  const auto result = signer_for(common).presign(request, config);
  CHECK(line(result.canonical_request, 2) == example.at("canonical_query"));
  CHECK(line(result.canonical_request, 3) + "\n" == example.at("canonical_headers"));
  CHECK(base::sha256_hex(result.canonical_request) == example.at("canonical_request_sha256"));
  CHECK(result.signature == example.at("signature"));
  CHECK("https://" + request.host + request.path + "?" + result.query_string == example.at("url"));
}

TEST_CASE("S3 documentation: the derived signing key") {
  const json examples = load_examples();
  const json& common = examples.at("common");
  const auto key = signer_for(common).signing_key(common.at("date_stamp"), common.at("region"),
                                                  common.at("service"));
  CHECK(base::hex_encode(*key) == common.at("signing_key_hex_computed_not_published"));
}
