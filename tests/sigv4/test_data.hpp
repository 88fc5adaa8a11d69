// Helpers shared by the data-driven signer tests: where the vectors live,
// file reading, and the parser for the AWS suite's request.txt cases.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "sigv4/signer.hpp"

namespace sigv4_test {

/// tests/sigv4/data, from $SIGV4_TEST_DATA (set by meson); throws if unset.
std::filesystem::path data_dir();

std::string read_file(const std::filesystem::path& path);

/// "%E1%88%B4" -> the three raw bytes; anything else is kept as is.
std::string percent_decode(std::string_view text);

/// "2015-08-30T12:36:00Z" or "20150830T123600Z".
std::chrono::system_clock::time_point parse_utc(std::string_view text);

/// One folder of the AWS SigV4 suite, turned into signer inputs.
struct SuiteCase {
  std::string name;
  sigv4::Credentials credentials;
  sigv4::Request request;
  sigv4::SigningConfig config;
  std::filesystem::path dir;

  /// An expected-value file, e.g. "header-signature.txt".
  std::string expected(const std::string& file) const;
};

SuiteCase load_suite_case(const std::filesystem::path& dir);

/// Every case folder under data/v4, sorted by name.
std::vector<std::filesystem::path> suite_case_dirs();

/// "a=1&b=2" -> {"a=1", "b=2"} sorted: compares queries ignoring order.
std::vector<std::string> sorted_query_parts(std::string_view query);

}  // namespace sigv4_test
