// The encoding and canonicalisation helpers, one table per rule.
#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "canonical_request.hpp"
#include "sigv4/signer.hpp"

TEST_CASE("uri_encode keeps only the RFC 3986 unreserved set, upper-case hex") {
  struct Row {
    std::string raw, with_slash, without_slash;
  };
  const std::vector<Row> rows = {
      {"", "", ""},
      {"AZaz09-_.~", "AZaz09-_.~", "AZaz09-_.~"},
      {"a b", "a%20b", "a%20b"},
      {"/a/b/", "/a/b/", "%2Fa%2Fb%2F"},
      {"+=&?#%", "%2B%3D%26%3F%23%25", "%2B%3D%26%3F%23%25"},
      {"!*'()$,;:@", "%21%2A%27%28%29%24%2C%3B%3A%40", "%21%2A%27%28%29%24%2C%3B%3A%40"},
      {"\xE1\x88\xB4", "%E1%88%B4", "%E1%88%B4"},
      {"caf\xC3\xA9", "caf%C3%A9", "caf%C3%A9"},
      {std::string("\x00\x7f\xff", 3), "%00%7F%FF", "%00%7F%FF"},
      {"%20", "%2520", "%2520"},  // encoded once: '%' itself is encoded
      {"a//b/./../c", "a//b/./../c", "a%2F%2Fb%2F.%2F..%2Fc"},  // never normalised
  };
  for (const Row& row : rows) {
    INFO("raw: ", row.raw);
    CHECK(sigv4::uri_encode(row.raw, true) == row.with_slash);
    CHECK(sigv4::uri_encode(row.raw, false) == row.without_slash);
  }
}

TEST_CASE("trim_all trims and collapses runs of whitespace to one space") {
  using sigv4::detail::trim_all;
  CHECK(trim_all("") == "");
  CHECK(trim_all("   ") == "");
  CHECK(trim_all("value") == "value");
  CHECK(trim_all("  a   b  ") == "a b");
  CHECK(trim_all("\"a   b   c\"") == "\"a b c\"");  // quotes do not protect spaces
  CHECK(trim_all("a\t\t b\n  c") == "a b c");
  CHECK(trim_all("A,b") == "A,b");  // case and commas untouched
}

TEST_CASE("canonical_query encodes, sorts by name then value, keeps empty values") {
  using sigv4::detail::canonical_query;
  CHECK(canonical_query({}) == "");
  CHECK(canonical_query({{"lifecycle", ""}}) == "lifecycle=");
  CHECK(canonical_query({{"prefix", "J"}, {"max-keys", "2"}}) == "max-keys=2&prefix=J");
  // Repeated names: sorted by value; all kept.
  CHECK(canonical_query({{"a", "2"}, {"a", "1"}, {"a", ""}}) == "a=&a=1&a=2");
  // Sorted by the ENCODED name: "%E1..." < "P" < "a"; "Param" < "Param-3".
  CHECK(canonical_query({{"Param-3", "x"}, {"a", "y"}, {"\xE1\x88\xB4", "z"}, {"Param", "w"}}) ==
        "%E1%88%B4=z&Param=w&Param-3=x&a=y");
  CHECK(canonical_query({{"k y", "v=1&2"}}) == "k%20y=v%3D1%262");
  CHECK(canonical_query({{"plus", "a+b"}}) == "plus=a%2Bb");
}

TEST_CASE("canonical_headers lower-cases, trims, joins repeats with ',' and sorts") {
  const auto canonical = sigv4::detail::canonical_headers({
      {"X-Amz-Meta-B", "  two   words "},
      {"Host", "example.com"},
      {"x-amz-meta-a", "first"},
      {"X-AMZ-META-A", "second"},
      {"Content-Type", "text/plain"},
      {"x-empty", ""},
  });
  CHECK(canonical.block ==
        "content-type:text/plain\n"
        "host:example.com\n"
        "x-amz-meta-a:first,second\n"
        "x-amz-meta-b:two words\n"
        "x-empty:\n");
  CHECK(canonical.signed_names == "content-type;host;x-amz-meta-a;x-amz-meta-b;x-empty");
}

TEST_CASE("canonical_request joins the six parts and encodes the path once") {
  const auto headers = sigv4::detail::canonical_headers({{"host", "h"}});
  CHECK(sigv4::detail::canonical_request("GET", "/b/a b//./c", "x=1", headers, "UNSIGNED-PAYLOAD") ==
        "GET\n/b/a%20b//./c\nx=1\nhost:h\n\nhost\nUNSIGNED-PAYLOAD");
}
