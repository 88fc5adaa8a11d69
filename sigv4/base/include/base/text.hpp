// ASCII text helpers, independent of the C locale: header names, config
// lines, unit suffixes and booleans are ASCII whatever the user's locale.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace base {

/// Space, tab, line feed, vertical tab, form feed, carriage return (what
/// isspace() accepts in the "C" locale).
bool is_space(char c);

/// `text` without leading and trailing is_space() characters.
std::string_view trim(std::string_view text);

/// `text` with A-Z turned into a-z; every other byte unchanged.
std::string to_lower(std::string_view text);

/// Equal when compared with A-Z folded to a-z (HTTP header names).
bool equals_ignoring_case(std::string_view a, std::string_view b);

/// `text` as one shell word to paste into a command line: as it is when it
/// holds only characters no shell treats specially, else in single quotes
/// (so that a trailing blank in advice such as "use --read-bucket X" shows).
std::string shell_word(std::string_view text);

/// POSIX word splitting of `command` (a credential_process command; an AWS
/// profile header, as botocore's shlex.split): blanks separate words; '...'
/// keeps everything; "..." keeps everything but \" \\ \$ \`; a backslash
/// outside quotes escapes the next character. nullopt on an unterminated quote.
std::optional<std::vector<std::string>> split_shell_words(std::string_view command);

/// The length of `text`'s longest prefix of at most `max` bytes that does not
/// end inside a UTF-8 character: where a long message can be cut.
std::size_t utf8_prefix_length(std::string_view text, std::size_t max);

/// One code point decoded from UTF-8: its value and how many bytes it took.
struct CodePoint {
  char32_t value = 0;
  std::size_t length = 0;  // 0: not well-formed UTF-8
};

/// Decodes the UTF-8 sequence starting at text[at], refusing overlong forms,
/// surrogates and values beyond U+10FFFF (length 0).
CodePoint decode_utf8(std::string_view text, std::size_t at);

/// A C0 or C1 control character or DEL: what a terminal may act on.
bool is_control(char32_t c);

/// `text` as a terminal or log line may show it: each control character
/// (C0, DEL, C1) and each bidirectional or line-separating mark becomes
/// `control` (a space in a message, '?' in a table cell), and each byte that is not part of well-formed UTF-8 is written
/// \xNN. Every other character stays: a path or value in an error line
/// reads as the user typed it, and no byte of it can act on a terminal.
std::string printable_line(std::string_view text, char control = ' ');

/// The longest message line a terminal or log is given (an error line, a
/// serve log line's error): a store's error text can be long, and the cause
/// is often at its end.
constexpr std::size_t kMaxMessageBytes = 2048;

/// `text` cut at a character boundary to at most kMaxMessageBytes, saying
/// how much was left out ("... (N more bytes)", within that length).
std::string clipped_message(std::string text);

}  // namespace base
