#include "s3_xml.hpp"

#include <pugixml.hpp>

#include <charconv>

#include "base/time.hpp"

namespace sigv4::xml {
namespace {

// No parse_eol (it would turn "\r\n" inside a key into "\n") and
// parse_ws_pcdata (a key made only of spaces is still a key).
constexpr unsigned kParseOptions =
    pugi::parse_cdata | pugi::parse_escapes | pugi::parse_ws_pcdata;

std::string_view local_name(const char* name) {
  std::string_view full(name);
  const auto colon = full.find(':');
  return colon == std::string_view::npos ? full : full.substr(colon + 1);
}

// S3 documents carry a default namespace; some servers add a prefix.
pugi::xml_node child(pugi::xml_node parent, std::string_view name) {
  for (pugi::xml_node node : parent.children())
    if (node.type() == pugi::node_element && local_name(node.name()) == name) return node;
  return {};
}

template <typename Visit>
void for_each_child(pugi::xml_node parent, std::string_view name, Visit visit) {
  for (pugi::xml_node node : parent.children())
    if (node.type() == pugi::node_element && local_name(node.name()) == name) visit(node);
}

std::string text(pugi::xml_node parent, std::string_view name) {
  return child(parent, name).child_value();
}

pugi::xml_node load_root(pugi::xml_document& document, std::string_view body,
                         std::string_view expected_root) {
  const auto result = document.load_buffer(body.data(), body.size(), kParseOptions);
  if (!result)
    throw MalformedXml("expected an XML " + std::string(expected_root) +
                       " document: " + result.description());
  pugi::xml_node root = child(document, expected_root);
  if (!root) throw MalformedXml("expected an XML " + std::string(expected_root) + " document");
  return root;
}

std::uint64_t parse_size(const std::string& digits) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (error != std::errc() || end != digits.data() + digits.size())
    throw MalformedXml("bad <Size> in listing: '" + digits + "'");
  return value;
}

// "2009-10-12T17:50:30.000Z"; fractions ignored.
std::chrono::system_clock::time_point parse_last_modified(const std::string& stamp) {
  try {
    return std::chrono::floor<std::chrono::seconds>(base::parse_rfc3339(stamp));
  } catch (const base::InvalidTimestamp&) {
    throw MalformedXml("bad <LastModified> in listing: '" + stamp + "'");
  }
}

ObjectInfo parse_contents(pugi::xml_node contents) {
  ObjectInfo info;
  info.key = text(contents, "Key");
  info.size = parse_size(text(contents, "Size"));
  info.etag = text(contents, "ETag");
  if (const std::string modified = text(contents, "LastModified"); !modified.empty())
    info.last_modified = parse_last_modified(modified);
  return info;
}

bool is_true(const std::string& value) { return value == "true"; }

}  // namespace

std::optional<ErrorDocument> parse_error(std::string_view body) {
  pugi::xml_document document;
  if (!document.load_buffer(body.data(), body.size(), kParseOptions)) return std::nullopt;
  pugi::xml_node root = child(document, "Error");
  if (!root) return std::nullopt;
  return ErrorDocument{text(root, "Code"), text(root, "Message"), text(root, "RequestId")};
}

ListPage parse_list_objects_v2(std::string_view body) {
  pugi::xml_document document;
  pugi::xml_node root = load_root(document, body, "ListBucketResult");
  ListPage page;
  for_each_child(root, "Contents",
                 [&](pugi::xml_node node) { page.objects.push_back(parse_contents(node)); });
  for_each_child(root, "CommonPrefixes", [&](pugi::xml_node node) {
    page.common_prefixes.push_back(text(node, "Prefix"));
  });
  if (is_true(text(root, "IsTruncated"))) {
    page.next_continuation_token = text(root, "NextContinuationToken");
    if (page.next_continuation_token.empty())
      throw MalformedXml("truncated listing without a NextContinuationToken");
  }
  return page;
}

DeleteResult parse_delete_result(std::string_view body) {
  pugi::xml_document document;
  pugi::xml_node root = load_root(document, body, "DeleteResult");
  DeleteResult result;
  for_each_child(root, "Deleted",
                 [&](pugi::xml_node node) { result.deleted.push_back(text(node, "Key")); });
  for_each_child(root, "Error", [&](pugi::xml_node node) {
    result.errors.push_back({text(node, "Key"), text(node, "Code"), text(node, "Message")});
  });
  return result;
}

std::string parse_initiate_multipart(std::string_view body) {
  pugi::xml_document document;
  pugi::xml_node root = load_root(document, body, "InitiateMultipartUploadResult");
  std::string upload_id = text(root, "UploadId");
  if (upload_id.empty()) throw MalformedXml("InitiateMultipartUploadResult without an UploadId");
  return upload_id;
}

std::string parse_complete_multipart(std::string_view body) {
  pugi::xml_document document;
  pugi::xml_node root = load_root(document, body, "CompleteMultipartUploadResult");
  return text(root, "ETag");
}

MultipartUploadsPage parse_list_multipart_uploads(std::string_view body) {
  pugi::xml_document document;
  pugi::xml_node root = load_root(document, body, "ListMultipartUploadsResult");
  MultipartUploadsPage page;
  for_each_child(root, "Upload", [&](pugi::xml_node node) {
    MultipartUpload upload{text(node, "Key"), text(node, "UploadId"), {}};
    if (const std::string initiated = text(node, "Initiated"); !initiated.empty())
      upload.initiated = parse_last_modified(initiated);
    page.uploads.push_back(std::move(upload));
  });
  page.truncated = is_true(text(root, "IsTruncated"));
  if (page.truncated) {
    page.next_key_marker = text(root, "NextKeyMarker");
    page.next_upload_id_marker = text(root, "NextUploadIdMarker");
  }
  return page;
}

std::string escape(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (const char c : raw) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += "&#" + std::to_string(static_cast<int>(c)) + ";";
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string delete_objects_body(const std::vector<std::string>& keys) {
  std::string body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                     "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                     "<Quiet>false</Quiet>";
  for (const auto& key : keys) body += "<Object><Key>" + escape(key) + "</Key></Object>";
  body += "</Delete>";
  return body;
}

std::string complete_multipart_body(const std::vector<CompletedPart>& parts) {
  std::string body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                     "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">";
  for (const auto& part : parts)
    body += "<Part><PartNumber>" + std::to_string(part.part_number) + "</PartNumber><ETag>" +
            escape(part.etag) + "</ETag></Part>";
  body += "</CompleteMultipartUpload>";
  return body;
}

}  // namespace sigv4::xml
