#include "stores/s3_error_map.hpp"

#include <fmt/format.h>

#include "config/credential_chain.hpp"

namespace claimcheck {

Error map_s3_error(const sigv4::S3Error& error, const std::string& operation,
                   const std::string& location) {
  const std::string what = operation + " " + location;
  // Not found is about the object; a missing bucket means the store as
  // configured cannot be used, whatever the operation (a PUT included).
  if (error.code() == "NoSuchBucket") return Error(ErrorKind::Store, what, "no such bucket");
  if (error.not_found() && error.code() != "NoSuchUpload") return Error(ErrorKind::NotFound, what, "no such object");
  // The limit is this process's (ulimit -n), as for a thread that cannot start: the store is not at fault.
  if (error.code() == sigv4::kTooManyOpenFiles) {
    Error ours(ErrorKind::Internal, what, error.message());
    ours.local_limit = true;
    return ours;
  }
  // A transport failure has no status, and its reason (libcurl's) says what
  // happened: "Failed to connect", or "transfer closed with 14473 bytes
  // remaining to read" after an answer began. "(no response)" had been added
  // to both, the second wrongly.
  const std::string status = error.http_status() == 0 ? "" : fmt::format(" (HTTP {})", error.http_status());
  // reason(): the server's message, or when it sent none (radosgw, HEAD
  // answers) what the code means, so the one line says what to fix.
  const std::string reason = error.reason();
  const std::string why = reason.empty() ? fmt::format("{}{}", error.code(), status)
                                         : fmt::format("{}: {}{}", error.code(), reason, status);
  Error mapped(ErrorKind::Store, what, why);
  if (!error.request_id().empty()) mapped.detail = "request id: " + error.request_id();
  return mapped;
}

Error map_credentials_error(const sigv4::CredentialsError& error) {
  using Cause = sigv4::CredentialsError::Cause;
  // A local limit is this process's, as for S3's own TooManyOpenFiles above.
  const ErrorKind kind = error.cause() == Cause::Configuration ? ErrorKind::Usage
                         : error.cause() == Cause::LocalLimit  ? ErrorKind::Internal
                                                               : ErrorKind::Store;
  const bool nothing_found = error.provider() == kNoCredentials;
  Error mapped(kind, nothing_found ? error.provider() : "credentials from " + error.provider(), error.reason());
  mapped.local_limit = error.cause() == Cause::LocalLimit;
  return mapped;
}

}  // namespace claimcheck
