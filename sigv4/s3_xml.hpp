// S3's XML documents: parsing responses with pugixml (entities, CDATA and
// numeric references decoded, whitespace in keys kept) and building request
// bodies with every key escaped. Private to sigv4/.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "sigv4/s3_client.hpp"

namespace sigv4::xml {

/// A response body that is not the XML document expected.
class MalformedXml : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ErrorDocument {
  std::string code, message, request_id;
};

/// The <Error> document, or nullopt when `body` is not one (empty, HTML...).
std::optional<ErrorDocument> parse_error(std::string_view body);

ListPage parse_list_objects_v2(std::string_view body);
DeleteResult parse_delete_result(std::string_view body);
/// The UploadId of an InitiateMultipartUploadResult.
std::string parse_initiate_multipart(std::string_view body);
/// Checks a CompleteMultipartUploadResult; returns its ETag.
std::string parse_complete_multipart(std::string_view body);

struct MultipartUploadsPage {
  std::vector<MultipartUpload> uploads;
  std::string next_key_marker, next_upload_id_marker;  // set when truncated
  bool truncated = false;
};
MultipartUploadsPage parse_list_multipart_uploads(std::string_view body);

/// "&lt;" for '<' and so on; control characters as numeric references.
std::string escape(std::string_view text);

/// The DeleteObjects body (Quiet off: the answer lists every deleted key).
std::string delete_objects_body(const std::vector<std::string>& keys);
std::string complete_multipart_body(const std::vector<CompletedPart>& parts);

}  // namespace sigv4::xml
