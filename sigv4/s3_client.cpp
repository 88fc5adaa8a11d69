#include "sigv4/s3_client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <charconv>
#include <stdexcept>
#include <unordered_set>

#include "crypto.hpp"
#include "get_resume.hpp"
#include "sigv4/memory_body.hpp"
#include "request_executor.hpp"
#include "s3_xml.hpp"

namespace sigv4 {

struct S3Client::Impl {
  explicit Impl(S3Config config) : executor(std::move(config)) {}
  RequestExecutor executor;
};

namespace {

std::string describe(std::string_view operation, const std::string& bucket,
                     const std::string& key = {}) {
  std::string text(operation);
  text += " " + bucket;
  if (!key.empty()) text += "/" + key;
  return text;
}

S3Request make_request(std::string_view operation, std::string method, const std::string& bucket,
                       const std::string& key = {}) {
  S3Request request;
  request.operation = describe(operation, bucket, key);
  request.method = std::move(method);
  request.bucket = bucket;
  request.key = key;
  return request;
}

// Header values reach the wire verbatim: a line break would inject headers.
void check_header_value(const std::string& name, const std::string& value) {
  if (value.find_first_of("\r\n") != std::string::npos)
    throw std::invalid_argument("S3 header " + name + " must not contain a line break");
}

void add_put_options(S3Request& request, const PutOptions& options) {
  if (!options.content_type.empty()) {
    check_header_value("Content-Type", options.content_type);
    request.set_header("Content-Type", options.content_type);
  }
  for (const auto& [name, value] : options.metadata) {
    const bool valid_name = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    });
    if (!valid_name)
      throw std::invalid_argument("S3 metadata name '" + name +
                                  "' must be lower-case letters, digits, '-' or '_'");
    check_header_value("x-amz-meta-" + name, value);
    request.set_header("x-amz-meta-" + name, value);
  }
}

std::chrono::system_clock::time_point parse_http_date(const std::string& value) {
  const time_t seconds = value.empty() ? -1 : curl_getdate(value.c_str(), nullptr);
  return seconds < 0 ? std::chrono::system_clock::time_point{}
                     : std::chrono::system_clock::from_time_t(seconds);
}

ObjectInfo object_info_from(const S3Request& request, const S3Response& response) {
  ObjectInfo info;
  info.key = request.key;
  info.etag = response.header("etag");
  info.content_type = response.header("content-type");
  info.last_modified = parse_http_date(response.header("last-modified"));
  const std::string length = response.header("content-length");
  const auto [end, error] = std::from_chars(length.data(), length.data() + length.size(), info.size);
  if (error != std::errc() || end != length.data() + length.size())
    throw S3Error(static_cast<int>(response.status), "InvalidResponse",
                  "HEAD answer has no valid Content-Length", response.header("x-amz-request-id"),
                  request.operation);
  constexpr std::string_view kMetaPrefix = "x-amz-meta-";
  for (const auto& header : response.headers)
    if (header.name.rfind(kMetaPrefix, 0) == 0)
      info.metadata[header.name.substr(kMetaPrefix.size())] = header.value;
  return info;
}

// Turns a malformed success body into an S3Error naming the operation.
template <typename Parse>
auto parse_body(const S3Request& request, const S3Response& response, Parse parse) {
  try {
    return parse(response.body);
  } catch (const xml::MalformedXml& error) {
    throw S3Error(static_cast<int>(response.status), "InvalidResponse", error.what(),
                  response.header("x-amz-request-id"), request.operation);
  }
}

/// A listing whose server hands back a page token it gave before: followed,
/// it would never end.
S3Error repeated_listing(const std::string& operation, const std::string& bucket) {
  return S3Error(200, "InvalidResponse", "the listing repeats a continuation token it gave before: it would never end",
                 "", operation + " " + bucket);
}

}  // namespace

S3Client::S3Client(S3Config config) : impl_(std::make_unique<Impl>(std::move(config))) {}
S3Client::~S3Client() = default;

void S3Client::put_object(const std::string& bucket, const std::string& key,
                          std::string_view body, const PutOptions& options) {
  MemoryBody source(body);
  put_object(bucket, key, source, options);
}

void S3Client::put_object(const std::string& bucket, const std::string& key, BodySource& body,
                          const PutOptions& options) {
  S3Request request = make_request("PutObject", "PUT", bucket, key);
  add_put_options(request, options);
  request.body = &body;
  impl_->executor.execute(request);
}

void S3Client::get_object(const std::string& bucket, const std::string& key,
                          const BodySink& sink, std::optional<ByteRange> range) {
  S3Request request = make_request("GetObject", "GET", bucket, key);
  GetResume resume(sink, range);
  const StatusSink status_sink = [&resume](long status, const char* data, std::size_t size) {
    resume.deliver(status, data, size);
  };
  request.sink = &status_sink;
  request.before_attempt = [&resume](S3Request& next, const HttpOutcome* previous) {
    resume.prepare(next, previous);
  };
  impl_->executor.execute(request);
}

ObjectInfo S3Client::head_object(const std::string& bucket, const std::string& key) {
  S3Request request = make_request("HeadObject", "HEAD", bucket, key);
  return object_info_from(request, impl_->executor.execute(request));
}

void S3Client::delete_object(const std::string& bucket, const std::string& key) {
  S3Request request = make_request("DeleteObject", "DELETE", bucket, key);
  impl_->executor.execute(request);
}

void S3Client::head_bucket(const std::string& bucket) {
  S3Request request = make_request("HeadBucket", "HEAD", bucket);
  impl_->executor.execute(request);
}

ListPage S3Client::list_objects_v2(const std::string& bucket, const std::string& prefix,
                                   const std::string& continuation_token,
                                   const std::string& delimiter, int max_keys) {
  // No encoding-type=url: pugixml decodes the XML entities, which is all
  // the plain form needs, so keys come back exactly as stored.
  S3Request request = make_request("ListObjectsV2", "GET", bucket);
  request.query = {{"list-type", "2"}, {"max-keys", std::to_string(max_keys)}};
  if (!prefix.empty()) request.query.emplace_back("prefix", prefix);
  if (!delimiter.empty()) request.query.emplace_back("delimiter", delimiter);
  if (!continuation_token.empty()) request.query.emplace_back("continuation-token", continuation_token);
  const S3Response response = impl_->executor.execute(request);
  return parse_body(request, response, xml::parse_list_objects_v2);
}

void S3Client::list_objects_v2_pages(const std::string& bucket, const std::string& prefix,
                                     const std::string& delimiter,
                                     const std::function<bool(const ListPage&)>& on_page) {
  std::unordered_set<std::string> tokens_given;
  std::string token;
  do {
    const ListPage page = list_objects_v2(bucket, prefix, token, delimiter);
    if (!on_page(page)) return;
    token = page.next_continuation_token;
    if (!token.empty() && !tokens_given.insert(token).second) throw repeated_listing("ListObjectsV2", bucket);
  } while (!token.empty());
}

DeleteResult S3Client::delete_objects(const std::string& bucket,
                                      const std::vector<std::string>& keys) {
  if (keys.empty()) return {};
  if (keys.size() > kMaxDeleteKeys)
    throw std::invalid_argument("DeleteObjects takes at most " + std::to_string(kMaxDeleteKeys) +
                                " keys, got " + std::to_string(keys.size()));
  const std::string body = xml::delete_objects_body(keys);
  MemoryBody source(body);
  S3Request request = make_request("DeleteObjects", "POST", bucket);
  request.query = {{"delete", ""}};
  request.set_header("Content-Type", "application/xml");
  request.set_header("Content-MD5", md5_base64(body));
  request.body = &source;
  const S3Response response = impl_->executor.execute(request);
  return parse_body(request, response, xml::parse_delete_result);
}

void S3Client::copy_object_replace_metadata(const std::string& bucket, const std::string& key,
                                            const PutOptions& options) {
  S3Request request = make_request("CopyObject", "PUT", bucket, key);
  request.set_header("x-amz-copy-source", uri_encode("/" + bucket + "/" + key, true));
  request.set_header("x-amz-metadata-directive", "REPLACE");
  add_put_options(request, options);
  request.error_in_ok_body = true;
  impl_->executor.execute(request);
}

std::string S3Client::create_multipart_upload(const std::string& bucket, const std::string& key,
                                              const PutOptions& options) {
  S3Request request = make_request("CreateMultipartUpload", "POST", bucket, key);
  request.query = {{"uploads", ""}};
  add_put_options(request, options);
  const S3Response response = impl_->executor.execute(request);
  return parse_body(request, response, xml::parse_initiate_multipart);
}

std::string S3Client::upload_part(const std::string& bucket, const std::string& key,
                                  const std::string& upload_id, int part_number,
                                  std::string_view data) {
  MemoryBody source(data);
  S3Request request = make_request("UploadPart", "PUT", bucket, key);
  request.query = {{"partNumber", std::to_string(part_number)}, {"uploadId", upload_id}};
  request.body = &source;
  const S3Response response = impl_->executor.execute(request);
  std::string etag = response.header("etag");
  if (etag.empty())
    throw S3Error(static_cast<int>(response.status), "InvalidResponse",
                  "UploadPart answer has no ETag", response.header("x-amz-request-id"),
                  request.operation);
  return etag;
}

void S3Client::complete_multipart_upload(const std::string& bucket, const std::string& key,
                                         const std::string& upload_id,
                                         const std::vector<CompletedPart>& parts) {
  const std::string body = xml::complete_multipart_body(parts);
  MemoryBody source(body);
  S3Request request = make_request("CompleteMultipartUpload", "POST", bucket, key);
  request.query = {{"uploadId", upload_id}};
  request.set_header("Content-Type", "application/xml");
  request.body = &source;
  request.error_in_ok_body = true;
  const S3Response response = impl_->executor.execute(request);
  parse_body(request, response, xml::parse_complete_multipart);
}

void S3Client::abort_multipart_upload(const std::string& bucket, const std::string& key,
                                      const std::string& upload_id) {
  S3Request request = make_request("AbortMultipartUpload", "DELETE", bucket, key);
  request.query = {{"uploadId", upload_id}};
  impl_->executor.execute(request);
}

std::vector<MultipartUpload> S3Client::list_multipart_uploads(const std::string& bucket,
                                                              const std::string& prefix) {
  std::vector<MultipartUpload> uploads;
  std::unordered_set<std::string> markers_given;
  xml::MultipartUploadsPage page;
  do {
    S3Request request = make_request("ListMultipartUploads", "GET", bucket);
    request.query = {{"uploads", ""}};
    if (!prefix.empty()) request.query.emplace_back("prefix", prefix);
    if (page.truncated) {
      request.query.emplace_back("key-marker", page.next_key_marker);
      request.query.emplace_back("upload-id-marker", page.next_upload_id_marker);
    }
    const S3Response response = impl_->executor.execute(request);
    page = parse_body(request, response, xml::parse_list_multipart_uploads);
    uploads.insert(uploads.end(), page.uploads.begin(), page.uploads.end());
    if (page.truncated && !markers_given.insert(page.next_key_marker + '\n' + page.next_upload_id_marker).second)
      throw repeated_listing("ListMultipartUploads", bucket);
  } while (page.truncated && !page.next_key_marker.empty());
  return uploads;
}

std::string S3Client::presign_get(const std::string& bucket, const std::string& key,
                                  std::chrono::seconds lifetime,
                                  const std::vector<std::pair<std::string, std::string>>& response) {
  return impl_->executor.presign_get(bucket, key, lifetime, response);
}

std::uint64_t S3Client::request_count() const { return impl_->executor.request_count(); }

std::chrono::seconds S3Client::clock_offset() const { return impl_->executor.clock_offset(); }

void S3Client::end_requests_by(std::chrono::steady_clock::time_point end) { impl_->executor.end_requests_by(end); }

}  // namespace sigv4
