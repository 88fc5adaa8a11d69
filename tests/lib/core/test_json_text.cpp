// Nesting measured before a parse: strings (with their escapes) do not count.
#include <doctest/doctest.h>

#include <string>

#include "core/json_text.hpp"

using claimcheck::nesting_depth;

TEST_CASE("nesting depth counts objects and arrays, not brackets inside strings") {
  CHECK(nesting_depth("") == 0);
  CHECK(nesting_depth("42") == 0);
  CHECK(nesting_depth(R"({"a":[1,{"b":[]}]})") == 4);
  CHECK(nesting_depth(R"({"a":"[[[[{{{{"})") == 1);
  CHECK(nesting_depth(R"(["\"[[[", [1]])") == 2);                // an escaped quote does not end the string
  CHECK(nesting_depth(R"(["\\", [[1]]])") == 3);                 // an escaped backslash does not escape the quote
  CHECK(nesting_depth(R"(["\\\"[[", [1]])") == 2);               // three backslashes: the quote is escaped
  CHECK(nesting_depth(R"([[ "unterminated [[[[)") == 2);         // nothing after an open string nests
  CHECK(nesting_depth(std::string(2000, '[') + std::string(2000, ']')) == 2000);
}

TEST_CASE("parse refuses text nested past kMaxParsedNesting, a string of brackets is fine") {
  const std::size_t limit = claimcheck::kMaxParsedNesting;
  const std::string at_limit = std::string(limit, '[') + std::string(limit, ']');
  CHECK(claimcheck::parse_json(at_limit).is_array());
  const std::string past = std::string(limit + 1, '[') + std::string(limit + 1, ']');
  CHECK_THROWS_AS(claimcheck::parse_json(past), nlohmann::json::parse_error);
  CHECK(claimcheck::parse_json_or_discarded(past).is_discarded());
  CHECK(claimcheck::parse_json("\"" + std::string(100000, '[') + "\"").is_string());
}
