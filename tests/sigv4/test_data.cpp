// Loading of the SigV4 test vectors (see test_data.hpp).
#include "test_data.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "base/sha256.hpp"
#include "base/text.hpp"
#include "base/time.hpp"

namespace sigv4_test {
namespace {

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
}

// "GET /path with space?query HTTP/1.1": the path may itself hold spaces.
void parse_request_line(const std::string& line, sigv4::Request& request) {
  const auto method_end = line.find(' ');
  const auto version_start = line.rfind(' ');
  request.method = line.substr(0, method_end);
  const std::string target = line.substr(method_end + 1, version_start - method_end - 1);
  const auto question = target.find('?');
  request.path = target.substr(0, question);
  if (question == std::string::npos) return;
  std::istringstream query(target.substr(question + 1));
  for (std::string pair; std::getline(query, pair, '&');) {
    const auto equals = pair.find('=');
    const std::string name = pair.substr(0, equals);
    const std::string value = equals == std::string::npos ? "" : pair.substr(equals + 1);
    request.query.emplace_back(percent_decode(name), percent_decode(value));
  }
}

// Headers up to the blank line; an indented line continues the previous
// value (obsolete line folding), which becomes one space.
std::size_t parse_headers(const std::vector<std::string>& lines, sigv4::Request& request) {
  std::size_t index = 1;
  for (; index < lines.size() && !lines[index].empty(); ++index) {
    const std::string& line = lines[index];
    if (line.front() == ' ' || line.front() == '\t') {
      request.headers.back().value += ' ' + std::string(base::trim(line));
      continue;
    }
    const auto colon = line.find(':');
    std::string name = line.substr(0, colon);
    std::string value = line.substr(colon + 1);
    if (name == "Host")
      request.host = base::trim(value);
    else
      request.headers.push_back({name, value});
  }
  return index;
}

std::string body_after(const std::vector<std::string>& lines, std::size_t blank_line) {
  std::string body;
  for (std::size_t i = blank_line + 1; i < lines.size(); ++i) {
    if (i > blank_line + 1) body += '\n';
    body += lines[i];
  }
  return body;
}

}  // namespace

std::filesystem::path data_dir() {
  const char* dir = std::getenv("SIGV4_TEST_DATA");
  if (dir == nullptr || *dir == '\0')
    throw std::runtime_error("SIGV4_TEST_DATA is not set (run the tests through meson)");
  return dir;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

std::string percent_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::chrono::system_clock::time_point parse_utc(std::string_view text) {
  return text.find('-') != std::string_view::npos ? base::parse_rfc3339(text) : base::parse_amz_date(text);
}

std::string SuiteCase::expected(const std::string& file) const {
  return read_file(dir / file);
}

SuiteCase load_suite_case(const std::filesystem::path& dir) {
  SuiteCase result;
  result.name = dir.filename().string();
  result.dir = dir;
  const auto context = nlohmann::json::parse(read_file(dir / "context.json"));
  const auto& credentials = context.at("credentials");
  result.credentials.access_key_id = credentials.at("access_key_id");
  result.credentials.secret_access_key = credentials.at("secret_access_key");
  result.credentials.session_token = credentials.value("token", "");
  result.config.region = context.at("region");
  result.config.service = context.at("service");
  result.config.time = parse_utc(context.at("timestamp").get<std::string>());
  result.config.expires = std::chrono::seconds(context.at("expiration_in_seconds").get<int>());
  result.config.add_content_sha256_header = context.at("sign_body").get<bool>();
  result.config.omit_session_token_from_signature = context.value("omit_session_token", false);

  const auto lines = split_lines(read_file(dir / "request.txt"));
  parse_request_line(lines.at(0), result.request);
  const std::size_t blank_line = parse_headers(lines, result.request);
  result.request.payload_hash = base::sha256_hex(body_after(lines, blank_line));
  return result;
}

std::vector<std::filesystem::path> suite_case_dirs() {
  std::vector<std::filesystem::path> dirs;
  for (const auto& entry : std::filesystem::directory_iterator(data_dir() / "v4"))
    if (entry.is_directory()) dirs.push_back(entry.path());
  std::sort(dirs.begin(), dirs.end());
  return dirs;
}

std::vector<std::string> sorted_query_parts(std::string_view query) {
  std::vector<std::string> parts;
  std::istringstream stream{std::string(query)};
  for (std::string part; std::getline(stream, part, '&');) parts.push_back(part);
  std::sort(parts.begin(), parts.end());
  return parts;
}

}  // namespace sigv4_test
