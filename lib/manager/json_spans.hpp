// Where each value sits in a JSON text, so --json-fields can replace a few
// values and keep every other byte (whitespace, number spelling, escapes)
// exactly as it was. The text must already be valid JSON.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace claimcheck {

/// [begin, end) of one value in the text.
struct JsonSpan {
  std::size_t begin = 0;
  std::size_t end = 0;
};

struct MemberSpan {
  std::string name;  // decoded
  JsonSpan value;
};

/// Index of the first non-whitespace byte at or after `pos`.
std::size_t skip_whitespace(std::string_view text, std::size_t pos);

/// Where the value of a whole JSON text (or of one JSON Lines line) begins:
/// after whitespace and a leading UTF-8 byte order mark, which the parser
/// skips at the start of its input, so spans must too.
std::size_t value_start(std::string_view text);

/// The value starting at `begin` (no leading whitespace).
JsonSpan value_span(std::string_view text, std::size_t begin);

/// Members of the object starting at `begin`, in document order.
std::vector<MemberSpan> object_members(std::string_view text, std::size_t begin);

/// Elements of the array starting at `begin`.
std::vector<JsonSpan> array_elements(std::string_view text, std::size_t begin);

/// Length of the value's text without the whitespace between its tokens:
/// the size of its compact form, whatever its indentation.
std::size_t compact_length(std::string_view value);

/// The value's text without that whitespace (every other byte, number
/// spellings included, as it was): what fits on one line of JSON Lines.
std::string compact_text(std::string_view value);

/// The JSON Pointer (RFC 6901, "/data/f150") from the value starting at
/// `root` to the value starting at `target` within it; "" for the root itself.
std::string json_pointer_to(std::string_view text, std::size_t root, std::size_t target);

/// Object members in the text (strings followed by a colon): more than a
/// parsed document holds when some object has a key twice.
std::size_t member_count(std::string_view text);

/// A replacement of one span by text the caller holds: a payload restored
/// in many places is held once, however many splices name it.
struct Splice {
  JsonSpan span;
  std::string_view text;
};

/// `text` with each (non-overlapping) splice applied, written into a string
/// sized once: a document restored to gigabytes is held once, not twice.
std::string apply_splices(std::string_view text, std::vector<Splice> splices);

}  // namespace claimcheck
