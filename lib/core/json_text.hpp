// Parsing JSON text that comes from outside, and writing JSON text that
// carries it. Parsing: nlohmann's parser takes a NUL
// byte for the end of its input (it reads C strings so), which made
// `{reference}\0anything` parse as the reference alone. JSON text never holds
// a raw NUL (a string escapes it as \u0000), so a text with one is not JSON:
// every parse of input goes through these, which say so.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <exception>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace claimcheck {

/// Deepest nesting of objects and arrays in a (not yet validated) text.
/// Strings are skipped with memchr: every parse of input runs this first,
/// and a payload is mostly one long string (stepping byte by byte took 4.7 ms
/// for 2 MiB of base64, a quarter of the parse).
inline std::size_t nesting_depth(std::string_view text) {
  std::size_t depth = 0, deepest = 0;
  for (std::size_t pos = 0; pos < text.size(); ++pos) {
    const char c = text[pos];
    if (c == '"') {
      for (;;) {  // to the closing quote: one after an even run of backslashes
        const void* quote = std::memchr(text.data() + pos + 1, '"', text.size() - pos - 1);
        if (quote == nullptr) return deepest;  // unterminated: nothing after it nests
        pos = static_cast<std::size_t>(static_cast<const char*>(quote) - text.data());
        std::size_t backslashes = 0;
        while (text[pos - 1 - backslashes] == '\\') ++backslashes;
        if (backslashes % 2 == 0) break;
      }
    } else if (c == '{' || c == '[') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

/// Parsed documents are never deeper than this. nlohmann's parser does not
/// recurse, but a parsed value is copied recursively (an ordered object
/// growing copies its members): 60,000 levels beside a sibling overflowed
/// the stack. Unoptimised with AddressSanitizer, 4,095 levels did in 8 MiB;
/// 1,024 leaves room on any thread. Readers that walk a document bound it
/// lower (512).
constexpr std::size_t kMaxParsedNesting = 1024;

/// Json::parse(text, nullptr, false): discarded when `text` is not JSON, or
/// nests deeper than kMaxParsedNesting.
template <typename Json = nlohmann::json>
Json parse_json_or_discarded(std::string_view text) {
  if (text.find('\0') != std::string_view::npos || nesting_depth(text) > kMaxParsedNesting)
    return Json(Json::value_t::discarded);
  return Json::parse(text, nullptr, /*allow_exceptions=*/false);
}

/// Json::accept(text).
template <typename Json = nlohmann::json>
bool is_json(std::string_view text) {
  return text.find('\0') == std::string_view::npos && Json::accept(text);
}

/// Text that starts with UTF-16's byte order mark, little or big endian
/// (what Windows PowerShell 5's '>' writes).
inline bool starts_with_utf16_mark(std::string_view text) {
  return text.starts_with("\xFF\xFE") || text.starts_with("\xFE\xFF");
}

/// Json::parse(text): throws Json::parse_error (out_of_range for 1e400) when
/// `text` is not JSON, saying where its NUL byte is when that is why.
template <typename Json = nlohmann::json>
Json parse_json(std::string_view text, typename Json::parser_callback_t callback = nullptr) {
  // Named, not by its first NUL.
  if (starts_with_utf16_mark(text))
    throw Json::parse_error::create(101, 1, "syntax error - UTF-16 text (it starts with UTF-16's byte order mark); "
                                            "JSON is read as UTF-8", nullptr);
  if (const std::size_t nul = text.find('\0'); nul != std::string_view::npos)
    throw Json::parse_error::create(101, nul + 1, "syntax error - a NUL byte, which JSON text never holds",
                                    nullptr);
  if (nesting_depth(text) > kMaxParsedNesting)
    throw Json::parse_error::create(101, 1, "nested deeper than " + std::to_string(kMaxParsedNesting) +
                                                " levels, more than claimcheck reads", nullptr);
  return Json::parse(text, std::move(callback));
}

/// What a parse (or dump) exception says, without nlohmann's
/// "[json.exception.parse_error.101] " tag: the part a user can act on. Its
/// "last read: '...'" quotes the input: a byte outside printable ASCII is
/// written \xNN, so no raw byte of the input reaches a terminal or a log.
inline std::string json_error_reason(const std::exception& e) {
  std::string why = e.what();
  if (auto end = why.find("] "); why.starts_with("[json.exception") && end != std::string::npos)
    why.erase(0, end + 2);
  std::string shown;
  for (const char c : why) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7F) {
      shown += c;
    } else {
      constexpr char kHex[] = "0123456789ABCDEF";
      shown += {'\\', 'x', kHex[byte >> 4], kHex[byte & 0xF]};
    }
  }
  return shown;
}

/// JSON text of a document: `indent` as Json::dump's. A string that is not
/// valid UTF-8 (a local store's file name, a foreign payload) has U+FFFD in
/// place of its bad bytes; nlohmann's default throws, which had turned a
/// `gc --json` that had deleted objects into an internal error with no output.
template <typename Json>
std::string dump_json_text(const Json& document, int indent = -1) {
  return document.dump(indent, ' ', false, Json::error_handler_t::replace);
}

}  // namespace claimcheck
