// base/text.hpp: ASCII-only trimming and case folding.
#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "base/text.hpp"

TEST_CASE("is_space is the C locale's isspace set and nothing else") {
  for (int c = 0; c < 256; ++c) {
    CAPTURE(c);
    const bool expected = c == ' ' || (c >= '\t' && c <= '\r');
    CHECK(base::is_space(static_cast<char>(c)) == expected);
  }
}

TEST_CASE("trim drops whitespace at both ends; to_lower folds A-Z only") {
  // text, trimmed, lowered
  const std::tuple<std::string_view, std::string_view, std::string_view> rows[] = {
      {"", "", ""},
      {" \t\r\n\v\f", "", " \t\r\n\v\f"},
      {"  Content-Type  ", "Content-Type", "  content-type  "},
      {"\tX-AMZ-DATE\r\n", "X-AMZ-DATE", "\tx-amz-date\r\n"},
      {"MiB 1.5 @[`{", "MiB 1.5 @[`{", "mib 1.5 @[`{"},  // the neighbours of A-Z stay
      // NUL is not space
      {std::string_view("\0X\0", 3), std::string_view("\0X\0", 3), std::string_view("\0x\0", 3)},
      {"\xA0\xC3\x84\xA0", "\xA0\xC3\x84\xA0", "\xA0\xC3\x84\xA0"},  // Latin-1 NBSP, UTF-8 stay
  };
  for (const auto& [text, trimmed, lowered] : rows) {
    const std::string shown(text);  // clang 14: CAPTURE's lambda cannot name a structured binding
    CAPTURE(shown);
    CHECK(base::trim(text) == trimmed);
    CHECK(base::to_lower(text) == lowered);
  }
}

TEST_CASE("trim returns a view into the text it was given") {
  const std::string text = "  key  ";
  const std::string_view trimmed = base::trim(text);
  CHECK(trimmed.data() == text.data() + 2);
}

TEST_CASE("equals_ignoring_case compares lengths and ASCII letters") {
  struct Case {
    std::string_view a, b;
    bool equal;
  };
  const std::vector<Case> cases = {
      {"", "", true},
      {"Host", "host", true},
      {"X-Amz-Date", "x-amz-DATE", true},
      {"host", "hosts", false},
      {"hosts", "host", false},
      {"@", "`", false},  // 0x40 and 0x60 differ by the case bit, but are not letters
      {"\xC3\x84", "\xC3\xA4", false},
  };
  for (const Case& c : cases) {
    CAPTURE(std::string(c.a));
    CAPTURE(std::string(c.b));
    CHECK(base::equals_ignoring_case(c.a, c.b) == c.equal);
  }
}

TEST_CASE("shell_word quotes only what a shell would need quoted") {
  CHECK(base::shell_word("s3://bars") == "s3://bars");
  CHECK(base::shell_word("file:///tmp/a-b_c.d") == "file:///tmp/a-b_c.d");
  CHECK(base::shell_word("bars ") == "'bars '");
  CHECK(base::shell_word("") == "''");
  CHECK(base::shell_word("it's") == "'it'\\''s'");
  CHECK(base::shell_word("a$b") == "'a$b'");
}


TEST_CASE("utf8_prefix_length cuts at most max bytes, never inside a UTF-8 character") {
  CHECK(base::utf8_prefix_length("abc", 5) == 3);
  CHECK(base::utf8_prefix_length("abcdef", 4) == 4);
  CHECK(base::utf8_prefix_length("ab\xC3\xA9z", 3) == 2);  // é spans bytes 2-3
  CHECK(base::utf8_prefix_length("ab\xC3\xA9z", 4) == 4);
}

TEST_CASE("clipped_message: at most kMaxMessageBytes, its count of what was cut included") {
  const std::string whole(base::kMaxMessageBytes, 'a');
  CHECK(base::clipped_message(whole) == whole);
  const std::string long_text = std::string(3000, 'b') + "the cause";
  const std::string clipped = base::clipped_message(long_text);
  CHECK(clipped.size() <= base::kMaxMessageBytes);
  const std::size_t kept = clipped.find("...");
  REQUIRE(kept != std::string::npos);
  CHECK(clipped.substr(0, kept) == long_text.substr(0, kept));
  CHECK(clipped.substr(kept) == "... (" + std::to_string(long_text.size() - kept) + " more bytes)");
  // Two-byte characters: never cut inside one.
  std::string accents;
  for (int i = 0; i < 1500; ++i) accents += "\xC3\xA9";
  const std::string cut = base::clipped_message(accents);
  CHECK(cut.size() <= base::kMaxMessageBytes);
  CHECK(cut.find("...") % 2 == 0);
}

TEST_CASE("printable_line: controls become spaces, bytes that are not UTF-8 become \\xNN, the rest stays") {
  CHECK(base::printable_line("plain ascii") == "plain ascii");
  CHECK(base::printable_line("caf\xC3\xA9 \xE2\x82\xAC") == "caf\xC3\xA9 \xE2\x82\xAC");  // é and €
  CHECK(base::printable_line(std::string("a\nb\tc\x1b[2Jd\x7f" "e\0f", 14)) == "a b c [2Jd e f");
  CHECK(base::printable_line("C1 \xC2\x9B here") == "C1   here");  // U+009B, a terminal's CSI
  CHECK(base::printable_line("bad \xFF byte") == "bad \\xFF byte");
  CHECK(base::printable_line("cut \xC3") == "cut \\xC3");              // a sequence cut short
  CHECK(base::printable_line("overlong \xC0\xAF") == "overlong \\xC0\\xAF");
  CHECK(base::printable_line("surrogate \xED\xA0\x80") == "surrogate \\xED\\xA0\\x80");
  CHECK(base::printable_line("cell\x1b[2J\xC2\x85\xFF", '?') == "cell?[2J?\\xFF");  // a table cell's marker
  // Right-to-left override, an isolate, a line separator: they move the text around them.
  CHECK(base::printable_line("a\xE2\x80\xAE" "b\xE2\x81\xA6" "c\xE2\x80\xA8" "d", '?') == "a?b?c?d");
  CHECK(base::printable_line("\xE2\x80\x8B zero width space stays") == "\xE2\x80\x8B zero width space stays");
}
