// map_s3_error: S3Error -> the one-line claimcheck::Error the user reads.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "stores/s3_error_map.hpp"

using claimcheck::ErrorKind;
using claimcheck::map_s3_error;
using sigv4::S3Error;

TEST_CASE("map_s3_error: the kind, and a why that says what the code means when the server did not") {
  struct Row {
    S3Error error;
    ErrorKind kind;
    std::string why;
  };
  const std::vector<Row> rows = {
      // radosgw sends SignatureDoesNotMatch without a <Message>
      {S3Error(403, "SignatureDoesNotMatch", "", "", "PutObject b/k"), ErrorKind::Store,
       "SignatureDoesNotMatch: the request signature does not match; check the secret access key "
       "(HTTP 403)"},
      // HEAD answers have no body: the code comes from the status
      {S3Error(403, "Forbidden", "", "", "HeadObject b/k"), ErrorKind::Store,
       "Forbidden: access denied or wrong credentials (HTTP 403)"},
      {S3Error(403, "AccessDenied", "Access Denied.", "", "PutObject b/k"), ErrorKind::Store,
       "AccessDenied: Access Denied. (HTTP 403)"},  // the server's own words win
      {S3Error(500, "WeirdError", "", "", "GetObject b/k"), ErrorKind::Store, "WeirdError (HTTP 500)"},
      // A transport failure: libcurl's words, no status (an answer may have begun).
      {S3Error(0, "ConnectionFailed", "Failed to connect", "", "GetObject b/k"), ErrorKind::Store,
       "ConnectionFailed: Failed to connect"},
      {S3Error(0, "ConnectionFailed", "transfer closed with 14473 bytes remaining to read", "", "GetObject b/k"),
       ErrorKind::Store, "ConnectionFailed: transfer closed with 14473 bytes remaining to read"},
      {S3Error(404, "NoSuchUpload", "", "", "UploadPart b/k"), ErrorKind::Store,
       "NoSuchUpload: the multipart upload does not exist (aborted or completed) (HTTP 404)"},
      {S3Error(404, "NoSuchKey", "", "", "GetObject b/k"), ErrorKind::NotFound, "no such object"},
      // A missing bucket is the store failing, not the object (exit 6, not 4).
      {S3Error(404, "NoSuchBucket", "", "", "GetObject b/k"), ErrorKind::Store, "no such bucket"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.error.code());
    const claimcheck::Error mapped = map_s3_error(row.error, "get", "s3://b/k");
    CHECK(mapped.kind() == row.kind);
    CHECK(mapped.what_failed() == "get s3://b/k");
    CHECK(mapped.why() == row.why);
  }
}

TEST_CASE("map_s3_error keeps the request id for -v, out of the one line") {
  const auto mapped = map_s3_error(S3Error(503, "SlowDown", "", "tx-9", "PutObject b/k"), "put", "s3://b/k");
  CHECK(mapped.why() == "SlowDown: the server asks to slow down (HTTP 503)");
  CHECK(mapped.detail == "request id: tx-9");
}
