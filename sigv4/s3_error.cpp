#include <string_view>

#include "base/text.hpp"
#include "error_code_text.hpp"
#include "sigv4/s3_client.hpp"

namespace sigv4 {
namespace {

/// What a server says is shown to users and kept in --json output: a
/// megabyte of <Message> must not become a megabyte of error line.
constexpr std::size_t kMaxServerText = 512;

std::string bounded(std::string text) {
  if (text.size() <= kMaxServerText) return text;
  text.resize(base::utf8_prefix_length(text, kMaxServerText));
  return text + "...";
}

std::string describe(int http_status, const std::string& code, const std::string& message,
                     const std::string& request_id, const std::string& operation) {
  std::string text = operation.empty() ? std::string("S3 request") : operation;
  text += " failed: ";
  if (http_status != 0) text += "HTTP " + std::to_string(http_status) + " ";
  text += code.empty() ? std::string("(no error code)") : code;
  const std::string_view why = error_reason(code, message);
  if (!why.empty()) {
    text += ": ";
    text += why;
  }
  if (!request_id.empty()) text += " (request id " + request_id + ")";
  return text;
}

}  // namespace

S3Error::S3Error(int http_status, std::string code, std::string message,
                 std::string request_id, std::string operation)
    : std::runtime_error(describe(http_status, bounded(code), bounded(message), bounded(request_id), operation)),
      http_status_(http_status),
      code_(bounded(std::move(code))),
      message_(bounded(std::move(message))),
      request_id_(bounded(std::move(request_id))),
      operation_(std::move(operation)) {}

std::string S3Error::reason() const { return std::string(error_reason(code_, message_)); }

bool S3Error::not_found() const {
  return http_status_ == 404 || code_ == "NoSuchKey" || code_ == "NoSuchBucket" ||
         code_ == "NoSuchUpload";
}

}  // namespace sigv4
