#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "serve/payloads_json.hpp"

using namespace claimcheck;
using namespace claimcheck::serve;

// "json/plain" and {"a":1} in both base64 alphabets, padded and not.
TEST_CASE("the UI's protojson form: camelCase, int64 as a string, standard base64") {
  auto payloads = parse_payloads(
      R"({"payloads":[{"metadata":{"encoding":"anNvbi9wbGFpbg=="},"data":"eyJhIjoxfQ==",)"
      R"("externalPayloads":[{"sizeBytes":"43"}]}]})");
  REQUIRE(payloads.size() == 1);
  CHECK(payloads[0].encoding() == "json/plain");
  CHECK(payloads[0].data == R"({"a":1})");
  CHECK(payloads[0].external_sizes == std::vector<std::uint64_t>{43});
}

TEST_CASE("the CLI's encoding/json form: snake_case, int64 as a number") {
  auto payloads = parse_payloads(
      R"({"payloads":[{"metadata":{"encoding":"anNvbi9wbGFpbg=="},"data":"eyJhIjoxfQ==",)"
      R"("external_payloads":[{"size_bytes":43}]}]})");
  REQUIRE(payloads.size() == 1);
  CHECK(payloads[0].external_sizes == std::vector<std::uint64_t>{43});
}

TEST_CASE("URL-safe and unpadded base64 are accepted") {
  // bytes fb ff fe: "+//+" standard, "-__-" URL-safe
  auto payloads = parse_payloads(R"({"payloads":[{"metadata":{"encoding":"YmluYXJ5L3BsYWlu"},"data":"-__-"},)"
                                 R"({"metadata":{"encoding":"YmluYXJ5L3BsYWlu"},"data":"+//+"}]})");
  CHECK(payloads[0].encoding() == "binary/plain");
  CHECK(payloads[0].data == "\xfb\xff\xfe");
  CHECK(payloads[1].data == "\xfb\xff\xfe");
}

TEST_CASE("unknown fields are ignored, null and absent fields are empty") {
  auto payloads = parse_payloads(
      R"({"extra":{"deep":[1,2]},"payloads":[{"metadata":null,"data":null,"whatever":true},{}]})");
  REQUIRE(payloads.size() == 2);
  CHECK(payloads[0].metadata.empty());
  CHECK(payloads[0].data.empty());
  CHECK(payloads[0].external_sizes.empty());
  CHECK(parse_payloads("{}").empty());
  // A lone Payload is an object of unknown fields (README: an empty list).
  CHECK(parse_payloads(R"({"metadata":{"encoding":"anNvbi9wbGFpbg=="},"data":"e30="})").empty());
}

TEST_CASE("wrong types and bad base64 are InvalidInput naming the place") {
  auto why = [](const char* body) {
    try {
      parse_payloads(body);
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::InvalidInput);
      return e.what_failed() + ": " + e.why();
    }
    FAIL("accepted: " << body);
    return std::string();
  };
  CHECK(why("not json") == "request body: not JSON");
  CHECK(why("[1]") == "request body: not a JSON object with \"payloads\"");
  CHECK(why(R"({"payloads":{}})") == "payloads: not an array");
  CHECK(why(R"({"payloads":[1]})") == "payloads[0]: not an object");
  CHECK(why(R"({"payloads":[{"metadata":[]}]})") == "payloads[0].metadata: not an object");
  CHECK(why(R"({"payloads":[{"metadata":{"encoding":5}}]})") == "payloads[0].metadata.encoding: not a base64 string");
  CHECK(why(R"({"payloads":[{},{"data":"a$=="}]})") == "payloads[1].data: not base64");
  CHECK(why(R"({"payloads":[{"externalPayloads":[{"sizeBytes":"-1"}]}]})") ==
        "payloads[0].externalPayloads[0].sizeBytes: not a non-negative int64 (a number or a decimal string)");
  CHECK(why(R"({"payloads":[{"externalPayloads":{}}]})") == "payloads[0].externalPayloads: not an array");
  CHECK(why((std::string(100, '[') + std::string(100, ']')).c_str()).find("nests deeper") != std::string::npos);
}

TEST_CASE("output: protojson, standard padded base64, externalPayloads only when set") {
  Payload plain;
  plain.metadata["encoding"] = "json/plain";
  plain.data = R"({"a":1})";
  Payload ref;
  ref.metadata["encoding"] = "binary/plain";
  ref.data = "\xfb\xff";
  ref.external_sizes = {400012};
  const std::string out = write_payloads({plain, ref});
  CHECK(out ==
        R"({"payloads":[{"metadata":{"encoding":"anNvbi9wbGFpbg=="},"data":"eyJhIjoxfQ=="},)"
        R"({"metadata":{"encoding":"YmluYXJ5L3BsYWlu"},"data":"+/8=","externalPayloads":[{"sizeBytes":"400012"}]}]})");
  auto back = parse_payloads(out);
  CHECK(back[1].data == ref.data);
  CHECK(write_payloads(std::vector<Payload>{}) == R"({"payloads":[]})");
}

TEST_CASE("10,000 payloads keep their count and order") {
  std::string body = R"({"payloads":[)";
  for (int i = 0; i < 10000; ++i) {
    if (i) body += ',';
    body += R"({"metadata":{"encoding":"anNvbi9wbGFpbg=="},"data":"MTIz"})";  // "123"
  }
  body += "]}";
  auto payloads = parse_payloads(body);
  REQUIRE(payloads.size() == 10000);
  CHECK(payloads[9999].data == "123");
  CHECK(parse_payloads(write_payloads(payloads)).size() == 10000);
}

TEST_CASE("a response body keeps shared text shared, in order, and counts every byte") {
  auto cached = std::make_shared<const std::string>("QUJD");
  ResponseBody body("{\"a\":\"");
  body.append_shared(cached);
  body.append("\",");
  body.append("\"b\":1}");
  body.append_shared(std::make_shared<const std::string>());  // nothing to send
  CHECK(body.has_shared());
  CHECK(body.size() == body.str().size());
  CHECK(body.str() == R"({"a":"QUJD","b":1})");
  const auto pieces = body.pieces();
  REQUIRE(pieces.size() == 3);  // text after text joins one piece
  CHECK(pieces[1].data() == cached->data());
  CHECK(pieces[2] == R"(","b":1})");
  CHECK_FALSE(ResponseBody("plain").has_shared());
}
