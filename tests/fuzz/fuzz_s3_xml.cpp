// libFuzzer target: every S3 XML response parser on arbitrary bodies. A
// malformed body is MalformedXml (or nullopt for errors), nothing else.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "s3_xml.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  using sigv4::xml::MalformedXml;
  (void)sigv4::xml::parse_error(body);
  try { (void)sigv4::xml::parse_list_objects_v2(body); } catch (const MalformedXml&) {}
  try { (void)sigv4::xml::parse_delete_result(body); } catch (const MalformedXml&) {}
  try { (void)sigv4::xml::parse_initiate_multipart(body); } catch (const MalformedXml&) {}
  try { (void)sigv4::xml::parse_complete_multipart(body); } catch (const MalformedXml&) {}
  try { (void)sigv4::xml::parse_list_multipart_uploads(body); } catch (const MalformedXml&) {}
  return 0;
}
