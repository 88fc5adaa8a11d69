// The helpers every provider shares: RFC 3339 expirations as STS, IMDS,
// the container agent and credential_process write them, and credentials
// read out of JSON without their values reaching a message.
#include <doctest/doctest.h>

#include "credentials/credential_fields.hpp"

using namespace sigv4;

TEST_CASE("RFC 3339 times: UTC, fractions, offsets; anything else is refused") {
  const struct {
    const char* text;
    const char* utc;
  } valid[] = {
      {"2026-12-01T23:54:51Z", "2026-12-01T23:54:51Z"},
      {"2026-12-01T23:54:51.793282635Z", "2026-12-01T23:54:51Z"},  // radosgw's STS
      {"2026-12-01t23:54:51z", "2026-12-01T23:54:51Z"},
      {"2026-12-02T01:54:51+02:00", "2026-12-01T23:54:51Z"},  // credential_process may use offsets
      {"2026-12-01T20:24:51-03:30", "2026-12-01T23:54:51Z"},
      {"2024-02-29T00:00:00Z", "2024-02-29T00:00:00Z"},
  };
  for (const auto& [text, utc] : valid) {
    const auto& shown = text;  // clang 14: INFO's lambda cannot name a structured binding
    INFO(shown);
    const auto parsed = parse_rfc3339(text);
    REQUIRE(parsed);
    CHECK(format_rfc3339(*parsed) == utc);
  }
  const auto with_fraction = parse_rfc3339("2026-12-01T23:54:51.5Z");
  REQUIRE(with_fraction);
  CHECK(*with_fraction - *parse_rfc3339("2026-12-01T23:54:51Z") == std::chrono::milliseconds(500));
  for (const char* invalid : {"", "2026-12-01", "2026-12-01 23:54:51Z", "2026-12-01T23:54:51",
                              "2026-13-01T00:00:00Z", "2023-02-29T00:00:00Z", "2026-12-01T24:00:00Z",
                              "2026-12-01T23:54:51.Z", "2026-12-01T23:54:51+0200", "1969-12-31T23:59:59Z",
                              "2026-12-01T23:54:51Zjunk", "１９70-01-01T00:00:00Z"}) {
    INFO(invalid);
    CHECK_FALSE(parse_rfc3339(invalid));
  }
}

TEST_CASE("credentials from JSON: missing or mistyped fields are named, values never") {
  const CredentialFieldNames names;
  const auto good = credentials_from_json(
      nlohmann::json{{"AccessKeyId", "AKID"}, {"SecretAccessKey", "s3cr3t"}, {"Token", "t0k3n"},
                     {"Expiration", "2026-12-01T23:54:51Z"}},
      names, "imds");
  CHECK(good.credentials.secret_access_key == "s3cr3t");
  CHECK(good.expiration);
  auto reason = [&](const nlohmann::json& document) {
    try {
      credentials_from_json(document, names, "imds");
    } catch (const CredentialsError& error) {
      CHECK(error.provider() == "imds");
      CHECK(std::string(error.what()).find("s3cr3t") == std::string::npos);
      return error.reason();
    }
    return std::string("accepted");
  };
  CHECK(reason(nlohmann::json::array()) == "the answer is not a JSON object");
  CHECK(reason({{"SecretAccessKey", "s3cr3t"}}) == "the answer has no AccessKeyId");
  CHECK(reason({{"AccessKeyId", 7}, {"SecretAccessKey", "s3cr3t"}}) == "the answer's AccessKeyId is not a string");
  CHECK(reason({{"AccessKeyId", ""}, {"SecretAccessKey", "s3cr3t"}}) ==
        "the answer's AccessKeyId or SecretAccessKey is empty");
  CHECK(reason({{"AccessKeyId", "A"}, {"SecretAccessKey", "s3cr3t"}, {"Expiration", "soon"}}) ==
        "the answer's Expiration 'soon' is not an RFC 3339 time");
  CHECK_FALSE(parse_json_quietly("{\"SecretAccessKey\": \"s3cr3t\""));
}
