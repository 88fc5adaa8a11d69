#include "error_code_text.hpp"

namespace sigv4 {

std::string_view explain_error_code(std::string_view code) {
  if (code == "SignatureDoesNotMatch")
    return "the request signature does not match; check the secret access key";
  if (code == "InvalidAccessKeyId") return "the access key id is not known to the server";
  if (code == "AccessDenied") return "access denied; check the credentials' permissions";
  if (code == "NoSuchBucket") return "the bucket does not exist";
  if (code == "NoSuchKey") return "the key does not exist";
  if (code == "NoSuchUpload") return "the multipart upload does not exist (aborted or completed)";
  if (code == "RequestTimeTooSkewed") return "the local clock differs too much from the server's";
  if (code == "SlowDown") return "the server asks to slow down";
  if (code == "InvalidBucketName") return "the bucket name is not valid";
  if (code == "EntityTooSmall") return "a multipart part other than the last is below 5 MiB";
  if (code == "PreconditionFailed") return "the object changed while it was being read";
  if (code == "Forbidden") return "access denied or wrong credentials";
  if (code == "NotFound") return "no such key or bucket";
  return {};
}

}  // namespace sigv4
