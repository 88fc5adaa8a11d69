// Replays the AWS SigV4 test suite (data/v4, the 32 cases that apply to S3):
// each stage -- canonical request, string to sign, signature -- and the
// signed request's Authorization header or query, in both signing modes.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "test_data.hpp"

namespace {

constexpr std::size_t kApplicableCases = 32;

// The value of "Authorization:" in a *-signed-request.txt file.
std::string authorization_line(const std::string& signed_request) {
  const std::string prefix = "\nAuthorization:";
  const auto start = signed_request.find(prefix) + prefix.size();
  return signed_request.substr(start, signed_request.find('\n', start) - start);
}

// The query of the request line "GET /?a=b&c=d HTTP/1.1".
std::string request_line_query(const std::string& signed_request) {
  const std::string line = signed_request.substr(0, signed_request.find('\n'));
  const auto question = line.find('?');
  return line.substr(question + 1, line.rfind(' ') - question - 1);
}

// Parameters decoded and sorted: the suite's signed requests keep the
// request's own parameters raw (e.g. UTF-8) and order them differently.
std::vector<std::string> decoded_query_parts(const std::string& query) {
  auto parts = sigv4_test::sorted_query_parts(query);
  for (auto& part : parts) part = sigv4_test::percent_decode(part);
  std::sort(parts.begin(), parts.end());
  return parts;
}

std::string header_value(const std::vector<sigv4::Header>& headers, const std::string& name) {
  for (const auto& header : headers)
    if (header.name == name) return header.value;
  return "<missing " + name + ">";
}

}  // namespace

TEST_CASE("AWS SigV4 suite: header mode (Authorization header)") {
  std::size_t cases_run = 0;
  for (const auto& dir : sigv4_test::suite_case_dirs()) {
    const auto suite_case = sigv4_test::load_suite_case(dir);
    INFO("case ", suite_case.name);
    const sigv4::Signer signer(suite_case.credentials);
    const auto result = signer.sign(suite_case.request, suite_case.config);
    CHECK(result.canonical_request == suite_case.expected("header-canonical-request.txt"));
    CHECK(result.string_to_sign == suite_case.expected("header-string-to-sign.txt"));
    CHECK(result.signature == suite_case.expected("header-signature.txt"));
    const std::string signed_request = suite_case.expected("header-signed-request.txt");
    CHECK(header_value(result.headers, "Authorization") == authorization_line(signed_request));
    // Every header the signer adds appears, spelled the same, in the signed request.
    for (const auto& header : result.headers)
      CHECK(signed_request.find("\n" + header.name + ":" + header.value + "\n") != std::string::npos);
    ++cases_run;
  }
  MESSAGE("header-mode suite cases run: ", cases_run);
  CHECK(cases_run == kApplicableCases);
}

TEST_CASE("AWS SigV4 suite: query mode (presigned URL)") {
  std::size_t cases_run = 0;
  for (const auto& dir : sigv4_test::suite_case_dirs()) {
    const auto suite_case = sigv4_test::load_suite_case(dir);
    INFO("case ", suite_case.name);
    const sigv4::Signer signer(suite_case.credentials);
    const auto result = signer.presign(suite_case.request, suite_case.config);
    CHECK(result.canonical_request == suite_case.expected("query-canonical-request.txt"));
    CHECK(result.string_to_sign == suite_case.expected("query-string-to-sign.txt"));
    CHECK(result.signature == suite_case.expected("query-signature.txt"));
    CHECK(decoded_query_parts(result.query_string) ==
          decoded_query_parts(request_line_query(suite_case.expected("query-signed-request.txt"))));
    ++cases_run;
  }
  MESSAGE("query-mode suite cases run: ", cases_run);
  CHECK(cases_run == kApplicableCases);
}
