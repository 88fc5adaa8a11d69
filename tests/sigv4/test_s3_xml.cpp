// S3 XML: responses parsed as S3 and radosgw send them, request bodies that
// survive a round trip through a real XML parser whatever the keys contain.
#include <doctest/doctest.h>
#include <pugixml.hpp>

#include <string>
#include <vector>

#include "s3_xml.hpp"

using namespace sigv4;

namespace {

std::vector<std::string> keys_in_delete_body(const std::string& body) {
  pugi::xml_document document;
  REQUIRE(document.load_buffer(body.data(), body.size(),
                               pugi::parse_escapes | pugi::parse_ws_pcdata));
  std::vector<std::string> keys;
  for (auto object : document.child("Delete").children("Object"))
    keys.emplace_back(object.child("Key").child_value());
  return keys;
}

}  // namespace

TEST_CASE("a radosgw error document has a code and an empty message") {
  const auto error = xml::parse_error(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NoSuchKey</Code>"
      "<Message></Message><BucketName>test</BucketName>"
      "<RequestId>tx000-1</RequestId><HostId>abc</HostId></Error>");
  REQUIRE(error.has_value());
  CHECK(error->code == "NoSuchKey");
  CHECK(error->message.empty());
  CHECK(error->request_id == "tx000-1");
}

TEST_CASE("an AWS error document keeps its message") {
  const auto error = xml::parse_error(
      "<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated "
      "does not match &amp; so on</Message><RequestId>R1</RequestId></Error>");
  REQUIRE(error.has_value());
  CHECK(error->message == "The request signature we calculated does not match & so on");
}

TEST_CASE("bodies that are not error documents are not taken for one") {
  CHECK_FALSE(xml::parse_error("").has_value());
  CHECK_FALSE(xml::parse_error("<html><body>502 Bad Gateway</body></html>").has_value());
  CHECK_FALSE(xml::parse_error("not xml at all <").has_value());
  CHECK_FALSE(xml::parse_error("<ListBucketResult/>").has_value());
}

TEST_CASE("a listing decodes entities, numeric references, CDATA and keeps whitespace") {
  const ListPage page = xml::parse_list_objects_v2(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
      "<Name>b</Name><Prefix></Prefix><KeyCount>5</KeyCount><MaxKeys>1000</MaxKeys>"
      "<IsTruncated>false</IsTruncated>"
      "<Contents><Key>x&lt;y&gt;&amp;&quot;z&apos;</Key><LastModified>2024-02-29T23:59:58.123Z"
      "</LastModified><ETag>&quot;abc&quot;</ETag><Size>12345678901</Size></Contents>"
      "<Contents><Key>\xC3\xBCn\xC3\xAF/\xE6\x97\xA5\xE6\x9C\xAC</Key><Size>0</Size></Contents>"
      "<Contents><Key>  </Key><Size>1</Size></Contents>"
      "<Contents><Key>cr&#13;&#10;lf</Key><Size>2</Size></Contents>"
      "<Contents><Key><![CDATA[a<b]]></Key><Size>3</Size></Contents>"
      "<CommonPrefixes><Prefix>dir/</Prefix></CommonPrefixes>"
      "</ListBucketResult>");
  REQUIRE(page.objects.size() == 5);
  CHECK(page.objects[0].key == "x<y>&\"z'");
  CHECK(page.objects[0].size == 12345678901ULL);
  CHECK(page.objects[0].etag == "\"abc\"");
  CHECK(std::chrono::system_clock::to_time_t(page.objects[0].last_modified) == 1709251198);
  CHECK(page.objects[1].key == "\xC3\xBCn\xC3\xAF/\xE6\x97\xA5\xE6\x9C\xAC");
  CHECK(page.objects[2].key == "  ");
  CHECK(page.objects[3].key == "cr\r\nlf");
  CHECK(page.objects[4].key == "a<b");
  CHECK(page.common_prefixes == std::vector<std::string>{"dir/"});
  CHECK(page.next_continuation_token.empty());
}

TEST_CASE("a truncated listing carries its continuation token") {
  const ListPage page = xml::parse_list_objects_v2(
      "<ListBucketResult><IsTruncated>true</IsTruncated>"
      "<NextContinuationToken>1/abc+=</NextContinuationToken></ListBucketResult>");
  CHECK(page.next_continuation_token == "1/abc+=");
}

TEST_CASE("a namespace prefix on the elements is accepted") {
  const ListPage page = xml::parse_list_objects_v2(
      "<s3:ListBucketResult xmlns:s3=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
      "<s3:Contents><s3:Key>k</s3:Key><s3:Size>7</s3:Size></s3:Contents></s3:ListBucketResult>");
  REQUIRE(page.objects.size() == 1);
  CHECK(page.objects[0].key == "k");
  CHECK(page.objects[0].size == 7);
}

TEST_CASE("malformed listings are refused with a reason") {
  CHECK_THROWS_WITH_AS(xml::parse_list_objects_v2("<ListBucketResult><IsTruncated>true"
                                                  "</IsTruncated></ListBucketResult>"),
                       "truncated listing without a NextContinuationToken", xml::MalformedXml);
  CHECK_THROWS_WITH_AS(xml::parse_list_objects_v2("<ListBucketResult><Contents><Key>k</Key>"
                                                  "<Size>12x</Size></Contents></ListBucketResult>"),
                       "bad <Size> in listing: '12x'", xml::MalformedXml);
  CHECK_THROWS_WITH_AS(xml::parse_list_objects_v2("<Error><Code>X</Code></Error>"),
                       "expected an XML ListBucketResult document", xml::MalformedXml);
  CHECK_THROWS_AS(xml::parse_list_objects_v2("<ListBucketResult>"), xml::MalformedXml);
  CHECK_THROWS_AS(xml::parse_list_objects_v2(""), xml::MalformedXml);
}

TEST_CASE("a delete result lists deleted keys and per-key errors") {
  const DeleteResult result = xml::parse_delete_result(
      "<DeleteResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
      "<Deleted><Key>a&amp;b</Key></Deleted><Deleted><Key>c</Key></Deleted>"
      "<Error><Key>d</Key><Code>AccessDenied</Code><Message>no</Message></Error>"
      "</DeleteResult>");
  CHECK(result.deleted == std::vector<std::string>{"a&b", "c"});
  REQUIRE(result.errors.size() == 1);
  CHECK(result.errors[0].key == "d");
  CHECK(result.errors[0].code == "AccessDenied");
  CHECK(result.errors[0].message == "no");
}

TEST_CASE("multipart documents") {
  CHECK(xml::parse_initiate_multipart(
            "<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key>"
            "<UploadId>2~abc</UploadId></InitiateMultipartUploadResult>") == "2~abc");
  CHECK_THROWS_AS(xml::parse_initiate_multipart("<InitiateMultipartUploadResult/>"),
                  xml::MalformedXml);
  CHECK(xml::parse_complete_multipart("<CompleteMultipartUploadResult><ETag>&quot;e-3&quot;"
                                      "</ETag></CompleteMultipartUploadResult>") == "\"e-3\"");
  const auto page = xml::parse_list_multipart_uploads(
      "<ListMultipartUploadsResult><IsTruncated>true</IsTruncated>"
      "<NextKeyMarker>k2</NextKeyMarker><NextUploadIdMarker>u2</NextUploadIdMarker>"
      "<Upload><Key>k1</Key><UploadId>u1</UploadId></Upload>"
      "<Upload><Key>k2</Key><UploadId>u2</UploadId></Upload></ListMultipartUploadsResult>");
  REQUIRE(page.uploads.size() == 2);
  CHECK(page.uploads[1].key == "k2");
  CHECK(page.uploads[1].upload_id == "u2");
  CHECK(page.truncated);
  CHECK(page.next_key_marker == "k2");
  CHECK(page.next_upload_id_marker == "u2");
}

TEST_CASE("escape covers the five XML specials and control characters") {
  CHECK(xml::escape("a&b<c>d\"e'f") == "a&amp;b&lt;c&gt;d&quot;e&apos;f");
  CHECK(xml::escape(std::string("t\tn\n", 4)) == "t&#9;n&#10;");
  CHECK(xml::escape("\xE6\x97\xA5") == "\xE6\x97\xA5");
}

TEST_CASE("a DeleteObjects body gives back exactly the keys it was built from") {
  const std::vector<std::string> keys{"a b+c=d&e?f#g%h~i!j*k'l(m)n",
                                      "\xC3\xBCn\xC3\xAF" "c\xC3\xB6" "d\xC3\xA9/\xE6\x97\xA5\xE6\x9C\xAC",
                                      "x<y>&\"z'", "]]>", "  ", "line\r\nbreak"};
  const std::string body = xml::delete_objects_body(keys);
  CHECK(body.find("<Quiet>false</Quiet>") != std::string::npos);
  CHECK(keys_in_delete_body(body) == keys);
}

TEST_CASE("a CompleteMultipartUpload body lists parts in order with escaped ETags") {
  const std::string body = xml::complete_multipart_body({{1, "\"e1\""}, {2, "\"e2\""}});
  pugi::xml_document document;
  REQUIRE(document.load_string(body.c_str()));
  std::vector<std::pair<std::string, std::string>> parts;
  for (auto part : document.child("CompleteMultipartUpload").children("Part"))
    parts.emplace_back(part.child_value("PartNumber"), part.child_value("ETag"));
  CHECK(parts == std::vector<std::pair<std::string, std::string>>{{"1", "\"e1\""},
                                                                  {"2", "\"e2\""}});
  CHECK(body.find("&quot;e1&quot;") != std::string::npos);
}
