// References: writing in the Go runner's order, reading every supported
// format in any field order, and rejecting malformed ones precisely.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "reference/reference.hpp"

using namespace claimcheck;

namespace {

const std::string kGoReference =
    R"({"_type":"claim_check_ref","key":"3f4a5b6c-7d8e-4f0a-9b2c-3d4e5f6a7b8c","size_bytes":1186475,"compressed":true,"stored_at":"2026-01-09T13:24:00Z"})";
const std::string kGoReferenceAlphabetical =
    R"({"_type":"claim_check_ref","compressed":true,"key":"3f4a5b6c-7d8e-4f0a-9b2c-3d4e5f6a7b8c","size_bytes":1186475,"stored_at":"2026-01-09T13:24:00Z"})";
const std::string kSha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

Reference full_reference() {
  Reference ref;
  ref.key = "claimcheck/2026-02-08/132400Z-0b1c2d3e-4f50-4a61-8b72-93a4b5c6d7e8";
  ref.size_bytes = 1186475;
  ref.compressed = true;
  ref.stored_at = parse_rfc3339("2026-01-09T13:24:00Z");
  ref.sha256 = kSha;
  ref.stored_bytes = 201234;
  ref.expires_at = parse_rfc3339("2026-02-08T13:24:00Z");
  ref.content_type = "application/json";
  ref.store = "s3://payloads";
  return ref;
}

/// The reason of the InvalidInput error `text` raises, or "" when it parses.
std::string rejection_reason(const std::string& text) {
  try {
    parse_reference(text);
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::InvalidInput);
    CHECK(e.what_failed() == "invalid reference");
    return e.why();
  }
  return "";
}

}  // namespace

TEST_CASE("to_json writes Go's five fields first, in Go's order, then ours") {
  const std::string expected =
      R"({"_type":"claim_check_ref","key":"claimcheck/2026-02-08/132400Z-0b1c2d3e-4f50-4a61-8b72-93a4b5c6d7e8",)"
      R"("size_bytes":1186475,"compressed":true,"stored_at":"2026-01-09T13:24:00Z",)"
      R"("sha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08","stored_bytes":201234,)"
      R"("expires_at":"2026-02-08T13:24:00Z","content_type":"application/json","store":"s3://payloads","v":1})";
  CHECK(to_json(full_reference()) == expected);
}

TEST_CASE("to_json leaves out optional fields that are not set") {
  Reference ref;
  ref.key = "k";
  ref.size_bytes = 7;
  ref.stored_at = parse_rfc3339("2026-01-09T13:24:00Z");
  CHECK(to_json(ref) ==
        R"({"_type":"claim_check_ref","key":"k","size_bytes":7,"compressed":false,"stored_at":"2026-01-09T13:24:00Z","v":1})");
}

TEST_CASE("pretty output is the same JSON value, indented") {
  const std::string pretty = to_json(full_reference(), true);
  CHECK(pretty.find("\n  \"key\"") != std::string::npos);
  CHECK(nlohmann::json::parse(pretty) == nlohmann::json::parse(to_json(full_reference())));
}

TEST_CASE("a reference survives a round trip through JSON") {
  const Reference original = full_reference();
  const Reference back = parse_reference(to_json(original));
  CHECK(back.key == original.key);
  CHECK(back.size_bytes == original.size_bytes);
  CHECK(back.compressed == original.compressed);
  CHECK(back.stored_at == original.stored_at);
  CHECK(back.sha256 == original.sha256);
  CHECK(back.stored_bytes == original.stored_bytes);
  CHECK(back.expires_at == original.expires_at);
  CHECK(back.content_type == original.content_type);
  CHECK(back.store == original.store);
  CHECK(back.format == ReferenceFormat::ClaimCheck);
}

TEST_CASE("Go runner references are read in Go's order and in alphabetical order") {
  for (const std::string& text : {kGoReference, kGoReferenceAlphabetical}) {
    CAPTURE(text);
    const Reference ref = parse_reference(text);
    CHECK(ref.key == "3f4a5b6c-7d8e-4f0a-9b2c-3d4e5f6a7b8c");
    CHECK(ref.size_bytes == 1186475);
    CHECK(ref.compressed);
    CHECK(format_rfc3339(ref.stored_at) == "2026-01-09T13:24:00Z");
    CHECK_FALSE(ref.sha256.has_value());
    CHECK_FALSE(ref.expires_at.has_value());
    CHECK(ref.format == ReferenceFormat::GoRunner);
  }
}

TEST_CASE("writing a Go reference back gives Go's bytes as the prefix") {
  const std::string written = to_json(parse_reference(kGoReferenceAlphabetical));
  const std::string go_prefix = kGoReference.substr(0, kGoReference.size() - 1);
  CHECK(written.substr(0, go_prefix.size()) == go_prefix);
}

TEST_CASE("unknown fields are ignored and optional nulls mean absent") {
  const Reference ref = parse_reference(
      R"({"future":{"x":[1,2]},"_type":"claim_check_ref","key":"k","size_bytes":0,"compressed":false,)"
      R"("stored_at":"2026-01-09T13:24:00Z","sha256":null,"expires_at":null,"v":1})");
  CHECK(ref.key == "k");
  CHECK(ref.size_bytes == 0);
  CHECK_FALSE(ref.sha256.has_value());
  CHECK(ref.format == ReferenceFormat::ClaimCheck);  // "v" says it is ours
}

TEST_CASE("upper-case sha256 is accepted and normalised to lower case") {
  std::string upper = kSha;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const Reference ref = parse_reference(R"({"_type":"claim_check_ref","key":"k","size_bytes":1,"compressed":false,)"
                                        R"("stored_at":"2026-01-09T13:24:00Z","sha256":")" + upper + R"("})");
  CHECK(ref.sha256 == kSha);
}

TEST_CASE("the TypeScript runner's payload data is a reference") {
  const Reference ref = parse_reference(
      R"({"key":"claimcheck/0b1c2d3e-4f50-4a61-8b72-93a4b5c6d7e8","size":200000,"compressed":false,)"
      R"("metadata":{"encoding":"anNvbi9wbGFpbg=="}})");
  CHECK(ref.format == ReferenceFormat::TypeScript);
  CHECK(ref.key == "claimcheck/0b1c2d3e-4f50-4a61-8b72-93a4b5c6d7e8");
  CHECK(ref.size_bytes == 200000);
  CHECK_FALSE(ref.compressed);
  CHECK(parse_reference(R"({"compressed":true,"size":5,"key":"a"})").compressed);
  CHECK_FALSE(ref.sha256.has_value());
}

TEST_CASE("a TypeScript marker written by claimcheck serve carries the payload's sha256") {
  const Reference ref = parse_reference(R"({"key":"a","size":5,"compressed":true,"sha256":")" +
                                        kSha + R"("})");
  CHECK(ref.format == ReferenceFormat::TypeScript);
  CHECK(ref.sha256 == kSha);
  CHECK_THROWS_WITH(parse_reference(R"({"key":"a","size":5,"compressed":true,"sha256":"abc"})"),
                    doctest::Contains("64 hex characters"));
}

TEST_CASE("documents that only resemble the TypeScript shape are not references") {
  const std::vector<std::string> not_references = {
      R"({"key":"a","size":5})",                                  // no compressed
      R"({"key":"a","size":5,"compressed":true,"bucket":"b"})",   // extra field
      R"({"key":"a","size":"5","compressed":true})",              // size as string
      R"({"key":"a","size":5.5,"compressed":true})",              // fractional size
      R"({"key":"a","size":-5,"compressed":true})",               // negative size
      R"({"key":1,"size":5,"compressed":true})",                  // key not a string
      R"({"key":"a","size":5,"compressed":"yes"})",               // compressed not a bool
      R"({"key":"a","size":5,"compressed":true,"metadata":"m"})", // metadata not an object
      R"({"key":"a","size":5,"compressed":true,"sha256":1})",     // sha256 not a string
      R"({"_type":"something_else","key":"a","size_bytes":1,"compressed":true,"stored_at":"2026-01-09T13:24:00Z"})",
      R"([1,2,3])",
      R"("claim_check_ref")",
  };
  for (const std::string& text : not_references) {
    CAPTURE(text);
    CHECK_FALSE(reference_from_json(nlohmann::json::parse(text)).has_value());
    CHECK_FALSE(reference_from_json(nlohmann::ordered_json::parse(text)).has_value());
    CHECK_FALSE(rejection_reason(text).empty());
  }
}

TEST_CASE("reference_from_json finds references in ordered and unordered JSON") {
  CHECK(reference_from_json(nlohmann::json::parse(kGoReference))->size_bytes == 1186475);
  CHECK(reference_from_json(nlohmann::ordered_json::parse(kGoReference))->size_bytes == 1186475);
  CHECK_THROWS_AS(reference_from_json(nlohmann::json::parse(R"({"_type":"claim_check_ref"})")), Error);
}

TEST_CASE("starts_like_reference: the opening of a claimcheck or Go reference, however far it goes") {
  const std::string go = R"({"_type":"claim_check_ref","key":"k","size_bytes":1,"compressed":false})";
  for (std::size_t length = 9; length <= go.size(); ++length) CHECK(starts_like_reference(go.substr(0, length)));
  CHECK(starts_like_reference(" {\n  \"_type\" : \"claim_check_ref\",\n  \"key\""));
  CHECK(starts_like_reference("{\"_type\":"));
  CHECK_FALSE(starts_like_reference("{\"_typ"));
  CHECK_FALSE(starts_like_reference("{\"_type\":\"other\""));
  CHECK_FALSE(starts_like_reference("{\"key\":\"k\",\"_type\":\"claim_check_ref\""));
  CHECK_FALSE(starts_like_reference("[{\"_type\":\"claim_check_ref\""));
  CHECK_FALSE(starts_like_reference(""));
}

TEST_CASE("malformed references are rejected with a reason naming the field") {
  // {text, expected reason}: each case breaks one thing of a valid reference.
  const std::string head = R"({"_type":"claim_check_ref",)";
  const std::string valid_rest = R"("size_bytes":5,"compressed":false,"stored_at":"2026-01-09T13:24:00Z")";
  const auto with_key = [&](const std::string& key_json) { return head + R"("key":)" + key_json + "," + valid_rest + "}"; };
  const auto with = [&](const std::string& extra) { return head + R"("key":"k",)" + valid_rest + "," + extra + "}"; };
  const auto replace = [&](const std::string& field, const std::string& value) {
    nlohmann::ordered_json doc = nlohmann::ordered_json::parse(head + R"("key":"k",)" + valid_rest + "}");
    if (value.empty()) doc.erase(field); else doc[field] = nlohmann::ordered_json::parse(value);
    return doc.dump();
  };
  struct Case {
    std::string text;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {"", "not JSON: "},
      {"{\"_type\":", "not JSON: "},
      {kGoReference + "x", "not JSON: "},
      // The JSON parser ends its input at a NUL byte; the reference reader must not.
      {kGoReference + std::string(1, '\0') + "junk", "not JSON: parse error at byte 147: syntax error - a NUL byte"},
      {std::string(1, '\0') + kGoReference, "not JSON: parse error at byte 1: "},
      {R"({"_type":"claim_check_ref","size_bytes":4e4649})", "not JSON: number overflow parsing '4e4649'"},
      // The parser quotes what it read: a byte outside printable ASCII is written \xNN, never raw.
      {"\xff{", "not JSON: parse error at line 1, column 1: syntax error while parsing value - invalid literal; "
                  "last read: '\\xFF'"},
      {"\xff\xfe{\0}\0", "not JSON: parse error at byte 1: syntax error - UTF-16 text"},
      // 60,000 levels beside a field overflowed the stack while parsing (exit 139).
      {with("\"deep\":" + std::string(60000, '[') + std::string(60000, ']')),
       "not JSON: parse error at byte 1: nested deeper than 1024 levels"},
      {"[]", "expected a JSON object, got array"},
      {"42", "expected a JSON object, got integer"},
      {"{}", "not a claim-check reference"},
      {R"({"_type":"claim_check_reference","key":"k"})", "field \"_type\" must be \"claim_check_ref\""},
      {replace("key", ""), "missing field \"key\""},
      {replace("size_bytes", ""), "missing field \"size_bytes\""},
      {replace("compressed", ""), "missing field \"compressed\""},
      {replace("stored_at", ""), "missing field \"stored_at\""},
      {replace("key", "null"), "field \"key\" must be a string, got null"},
      {with_key("42"), "field \"key\" must be a string, got integer"},
      {with_key(R"("")"), "field \"key\": key is empty"},
      {with_key("\"" + std::string(1025, 'a') + "\""), "field \"key\": key is 1025 bytes long (maximum 1024)"},
      {with_key(R"("a\u0000b")"), "field \"key\": key holds a NUL character (at byte 1)"},
      {with_key(R"("a\nb")"), "field \"key\": key holds control character U+000A (at byte 1)"},
      {with_key(R"("a\u007fb")"), "field \"key\": key holds control character U+007F (at byte 1)"},
      {with_key(R"("a\u0085b")"), "field \"key\": key holds control character U+0085 (at byte 1)"},
      {replace("size_bytes", "-1"), "field \"size_bytes\" must not be negative, got -1"},
      {replace("size_bytes", "1.5"), "field \"size_bytes\" must be an integer, got 1.5"},
      {replace("size_bytes", "\"5\""), "field \"size_bytes\" must be a non-negative integer, got string"},
      {replace("size_bytes", "99999999999999999999"), "field \"size_bytes\" is too large"},
      {replace("size_bytes", "9223372036854775808"), "field \"size_bytes\" is too large (maximum 9223372036854775807)"},
      {replace("compressed", "\"true\""), "field \"compressed\" must be a boolean, got string"},
      {replace("compressed", "1"), "field \"compressed\" must be a boolean, got integer"},
      {replace("stored_at", "1736428800"), "field \"stored_at\" must be a string, got integer"},
      {replace("stored_at", "\"yesterday\""), "field \"stored_at\" is not an RFC 3339 timestamp"},
      {replace("stored_at", "\"2026-02-30T13:24:00Z\""), "field \"stored_at\" is not an RFC 3339 timestamp: \"2026-02-30T13:24:00Z\": 2026-02-30 is not a calendar date"},
      {replace("stored_at", "\"2026-01-09T13:24:00\""), "field \"stored_at\" is not an RFC 3339 timestamp: \"2026-01-09T13:24:00\": expected '+' (time zone: Z or +HH:MM) after the seconds"},
      {with(R"("sha256":"abc")"), "field \"sha256\" must be 64 hex characters, got 3"},
      {with(R"("sha256":")" + std::string(63, 'a') + "g\""), "field \"sha256\" must hold only hex characters"},
      {with(R"("sha256":42)"), "field \"sha256\" must be a string, got integer"},
      {with(R"("stored_bytes":-3)"), "field \"stored_bytes\" must not be negative, got -3"},
      {with(R"("expires_at":"2026-13-01T00:00:00Z")"), "field \"expires_at\" is not an RFC 3339 timestamp: \"2026-13-01T00:00:00Z\": month 13 is out of range 1..12"},
      {with(R"("content_type":"text/plain\r\nX-Evil: 1")"), "field \"content_type\" holds control characters"},
      {with(R"("store":["s3://b"])"), "field \"store\" must be a string, got array"},
      {with(R"("v":2)"), "field \"v\": unsupported format version 2 (this claimcheck reads 1)"},
      {with(R"("v":"1")"), "field \"v\" must be an integer, got string"},
      {R"({"key":"","size":5,"compressed":true})", "field \"key\": key is empty"},
  };
  CHECK(cases.size() >= 20);
  for (const Case& c : cases) {
    CAPTURE(c.text);
    const std::string reason = rejection_reason(c.text);
    CHECK_MESSAGE(reason.rfind(c.reason, 0) == 0, "got reason: " << reason);
  }
}
