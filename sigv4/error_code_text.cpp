#include "error_code_text.hpp"

#include <utility>

namespace sigv4 {
namespace {

constexpr std::pair<std::string_view, std::string_view> kExplained[] = {
    {"SignatureDoesNotMatch", "the request signature does not match; check the secret access key"},
    {"InvalidAccessKeyId", "the access key id is not known to the server"},
    {"AccessDenied", "access denied; check the credentials' permissions"},
    {"NoSuchBucket", "the bucket does not exist"},
    {"NoSuchKey", "the key does not exist"},
    {"NoSuchUpload", "the multipart upload does not exist (aborted or completed)"},
    {"RequestTimeTooSkewed", "the local clock differs too much from the server's"},
    {"SlowDown", "the server asks to slow down"},
    {"InvalidBucketName", "the bucket name is not valid"},
    {"EntityTooSmall", "a multipart part other than the last is below 5 MiB"},
    {"PreconditionFailed", "the object changed while it was being read"},
    {"Forbidden", "access denied or wrong credentials"},
    {"NotFound", "no such key or bucket"},
    // STS's, which radosgw answers without a Message.
    {"ExpiredToken", "the session token has expired"},
    {"InvalidArgument", "an argument of the request is not valid"},
};

}  // namespace

std::string_view error_reason(std::string_view code, std::string_view message) {
  if (!message.empty()) return message;
  for (const auto& [known, words] : kExplained)
    if (known == code) return words;
  return {};
}

}  // namespace sigv4
