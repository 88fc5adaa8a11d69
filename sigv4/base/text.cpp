#include "base/text.hpp"

#include <algorithm>

namespace base {
namespace {

char lower_ascii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

std::string to_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = lower_ascii(c);
  return out;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](char x, char y) { return lower_ascii(x) == lower_ascii(y); });
}

std::string shell_word(std::string_view text) {
  constexpr std::string_view plain =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.,/:@%+=";
  if (!text.empty() && text.find_first_not_of(plain) == std::string_view::npos) return std::string(text);
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

CodePoint decode_utf8(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(at);
  if (lead < 0x80) return {lead, 1};
  CodePoint cp;
  char32_t minimum = 0;
  if ((lead & 0xE0) == 0xC0) {
    cp = {static_cast<char32_t>(lead & 0x1F), 2};
    minimum = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    cp = {static_cast<char32_t>(lead & 0x0F), 3};
    minimum = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    cp = {static_cast<char32_t>(lead & 0x07), 4};
    minimum = 0x10000;
  } else {
    return {};
  }
  if (at + cp.length > text.size()) return {};
  for (std::size_t k = 1; k < cp.length; ++k) {
    if ((byte(at + k) & 0xC0) != 0x80) return {};
    cp.value = (cp.value << 6) | (byte(at + k) & 0x3F);
  }
  const bool surrogate = cp.value >= 0xD800 && cp.value <= 0xDFFF;
  if (cp.value < minimum || cp.value > 0x10FFFF || surrogate) return {};
  return cp;
}

bool is_control(char32_t c) { return c < 0x20 || (c >= 0x7F && c <= 0x9F); }

namespace {

/// Marks that reorder or break the text around them on a terminal: the
/// bidirectional overrides and isolates (a name that reads as another, as
/// in "Trojan Source") and the line and paragraph separators.
bool moves_text(char32_t c) {
  return c == 0x061C || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) ||
         (c >= 0x2066 && c <= 0x2069) || c == 0x2028 || c == 0x2029;
}

}  // namespace

std::string printable_line(std::string_view text, char control) {
  constexpr char kHex[] = "0123456789ABCDEF";
  std::string line;
  line.reserve(text.size());
  for (std::size_t at = 0; at < text.size();) {
    const CodePoint cp = decode_utf8(text, at);
    if (cp.length == 0) {
      const auto byte = static_cast<unsigned char>(text[at++]);
      line += {'\\', 'x', kHex[byte >> 4], kHex[byte & 0xF]};
      continue;
    }
    if (is_control(cp.value) || moves_text(cp.value))
      line += control;
    else
      line.append(text.substr(at, cp.length));
    at += cp.length;
  }
  return line;
}

std::size_t utf8_prefix_length(std::string_view text, std::size_t max) {
  if (text.size() <= max) return text.size();
  std::size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // a continuation byte
  return cut;
}

std::string clipped_message(std::string text) {
  if (text.size() <= kMaxMessageBytes) return text;
  // The count says at most as many digits as the whole text's size.
  const std::size_t marker = std::string_view("... ( more bytes)").size() + std::to_string(text.size()).size();
  const std::size_t cut = utf8_prefix_length(text, kMaxMessageBytes - marker);
  const std::size_t left_out = text.size() - cut;
  text.resize(cut);
  return text + "... (" + std::to_string(left_out) + " more bytes)";
}

/// POSIX word splitting of `command`: blanks separate words; '...' keeps
/// everything; "..." keeps everything but \" \\ \$ \`; a backslash outside
/// quotes escapes the next character. nullopt on an unterminated quote.
std::optional<std::vector<std::string>> split_shell_words(std::string_view command) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (std::size_t i = 0; i < command.size(); ++i) {
    const char c = command[i];
    if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else if (c == '\'') {
      const auto close = command.find('\'', i + 1);
      if (close == std::string::npos) return std::nullopt;
      word += std::string(command.substr(i + 1, close - i - 1));
      i = close;
      in_word = true;
    } else if (c == '"') {
      for (++i;; ++i) {
        if (i >= command.size()) return std::nullopt;
        if (command[i] == '"') break;
        if (command[i] == '\\' && i + 1 < command.size() &&
            std::string_view("\"\\$`\n").find(command[i + 1]) != std::string_view::npos)
          ++i;
        word += command[i];
      }
      in_word = true;
    } else if (c == '\\' && i + 1 < command.size()) {
      word += command[++i];
      in_word = true;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (in_word) words.push_back(std::move(word));
  return words;
}

}  // namespace base
