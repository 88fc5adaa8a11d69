// Keys come from untrusted references: they must be printable UTF-8 of a
// size S3 accepts, so they can be logged and put in URLs, and a relative path
// without `.` or `..` segments, so that no store (the local directory, or S3
// with a proxy or tool that normalises paths) is asked for anything outside
// the place the key names. The same rules hold for every store.
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "base/text.hpp"
#include "core/error.hpp"
#include "reference/reference.hpp"

namespace claimcheck {

std::optional<std::string> printable_text_problem(std::string_view text, std::string_view what) {
  for (std::size_t i = 0; i < text.size();) {
    const base::CodePoint cp = base::decode_utf8(text, i);
    if (cp.length == 0) return fmt::format("{} is not valid UTF-8 (at byte {})", what, i);
    if (cp.value == 0) return fmt::format("{} holds a NUL character (at byte {})", what, i);
    if (base::is_control(cp.value))
      return fmt::format("{} holds control character U+{:04X} (at byte {})", what, static_cast<unsigned>(cp.value), i);
    i += cp.length;
  }
  return std::nullopt;
}

std::optional<std::string> key_problem(std::string_view key) {
  if (key.empty()) return "key is empty";
  if (key.size() > kMaxKeyBytes) return fmt::format("key is {} bytes long (maximum {})", key.size(), kMaxKeyBytes);
  if (auto problem = printable_text_problem(key, "key")) return problem;
  if (key.front() == '/') return "key is an absolute path";
  if (key.find('\\') != std::string_view::npos) return "key holds a backslash";
  for (std::size_t start = 0;;) {
    const std::size_t slash = key.find('/', start);
    const std::string_view segment = key.substr(start, slash - start);
    if (segment.empty()) return "key has an empty path segment";
    if (segment == "." || segment == "..") return fmt::format("key has a '{}' path segment", segment);
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return std::nullopt;
}

void validate_key(std::string_view key) {
  if (auto why = key_problem(key)) throw Error(ErrorKind::InvalidInput, "invalid key", *why);
}

}  // namespace claimcheck
