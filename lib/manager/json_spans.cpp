#include "manager/json_spans.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace claimcheck {
namespace {

std::size_t string_end(std::string_view text, std::size_t begin) {
  std::size_t pos = begin + 1;
  while (pos < text.size() && text[pos] != '"') pos += (text[pos] == '\\') ? 2 : 1;
  return pos + 1;
}

/// Objects and arrays: skip to the matching bracket, stepping over strings.
std::size_t container_end(std::string_view text, std::size_t begin) {
  int depth = 0;
  std::size_t pos = begin;
  while (pos < text.size()) {
    char c = text[pos];
    if (c == '"') {
      pos = string_end(text, pos);
      continue;
    }
    if (c == '{' || c == '[') ++depth;
    if ((c == '}' || c == ']') && --depth == 0) return pos + 1;
    ++pos;
  }
  return pos;
}

/// Numbers and literals end at a delimiter.
std::size_t scalar_end(std::string_view text, std::size_t begin) {
  std::size_t pos = begin;
  while (pos < text.size() && std::string_view(",]} \t\r\n").find(text[pos]) == std::string_view::npos)
    ++pos;
  return pos;
}

/// Steps over `,` or the closing bracket after an element; true when more follow.
bool next_element(std::string_view text, std::size_t& pos) {
  pos = skip_whitespace(text, pos);
  if (pos < text.size() && text[pos] == ',') {
    pos = skip_whitespace(text, pos + 1);
    return true;
  }
  return false;
}

}  // namespace

std::size_t skip_whitespace(std::string_view text, std::size_t pos) {
  while (pos < text.size() && std::string_view(" \t\r\n").find(text[pos]) != std::string_view::npos)
    ++pos;
  return pos;
}

std::size_t value_start(std::string_view text) {
  constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
  return skip_whitespace(text, text.starts_with(kByteOrderMark) ? kByteOrderMark.size() : 0);
}

std::size_t compact_length(std::string_view value) {
  std::size_t length = 0;
  for (std::size_t pos = 0; pos < value.size();) {
    if (value[pos] == '"') {
      const std::size_t end = std::min(string_end(value, pos), value.size());
      length += end - pos;
      pos = end;
    } else {
      if (std::string_view(" \t\r\n").find(value[pos]) == std::string_view::npos) ++length;
      ++pos;
    }
  }
  return length;
}

std::string compact_text(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (std::size_t pos = 0; pos < value.size();) {
    if (value[pos] == '"') {
      const std::size_t end = std::min(string_end(value, pos), value.size());
      out.append(value.substr(pos, end - pos));
      pos = end;
    } else {
      if (std::string_view(" \t\r\n").find(value[pos]) == std::string_view::npos) out += value[pos];
      ++pos;
    }
  }
  return out;
}

JsonSpan value_span(std::string_view text, std::size_t begin) {
  char c = text[begin];
  if (c == '"') return {begin, string_end(text, begin)};
  if (c == '{' || c == '[') return {begin, container_end(text, begin)};
  return {begin, scalar_end(text, begin)};
}

std::vector<MemberSpan> object_members(std::string_view text, std::size_t begin) {
  std::vector<MemberSpan> members;
  std::size_t pos = skip_whitespace(text, begin + 1);
  if (pos >= text.size() || text[pos] == '}') return members;
  do {
    std::size_t name_end = string_end(text, pos);
    std::string name = nlohmann::json::parse(text.substr(pos, name_end - pos)).get<std::string>();
    pos = skip_whitespace(text, name_end);      // at ':'
    pos = skip_whitespace(text, pos + 1);       // at the value
    JsonSpan value = value_span(text, pos);
    members.push_back({std::move(name), value});
    pos = value.end;
  } while (next_element(text, pos));
  return members;
}

std::vector<JsonSpan> array_elements(std::string_view text, std::size_t begin) {
  std::vector<JsonSpan> elements;
  std::size_t pos = skip_whitespace(text, begin + 1);
  if (pos >= text.size() || text[pos] == ']') return elements;
  do {
    JsonSpan value = value_span(text, pos);
    elements.push_back(value);
    pos = value.end;
  } while (next_element(text, pos));
  return elements;
}

std::size_t member_count(std::string_view text) {
  std::size_t members = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    if (text[pos] != '"') {
      ++pos;
      continue;
    }
    pos = std::min(string_end(text, pos), text.size());
    const std::size_t next = skip_whitespace(text, pos);
    if (next < text.size() && text[next] == ':') ++members;
  }
  return members;
}

std::string json_pointer_to(std::string_view text, std::size_t root, std::size_t target) {
  std::string pointer;
  for (std::size_t at = root; at != target;) {
    const std::size_t before = at;
    if (text[at] == '{') {
      for (const auto& member : object_members(text, at)) {
        if (target < member.value.begin || target >= member.value.end) continue;
        pointer += '/';
        for (char c : member.name) pointer += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
        at = member.value.begin;
        break;
      }
    } else if (text[at] == '[') {
      std::size_t index = 0;
      for (const auto& element : array_elements(text, at)) {
        if (target >= element.begin && target < element.end) {
          pointer += "/" + std::to_string(index);
          at = element.begin;
          break;
        }
        ++index;
      }
    }
    if (at == before) break;  // not inside: stop where the walk is
  }
  return pointer;
}

std::string apply_splices(std::string_view text, std::vector<Splice> splices) {
  std::sort(splices.begin(), splices.end(),
            [](const Splice& a, const Splice& b) { return a.span.begin < b.span.begin; });
  std::size_t size = text.size();
  for (const auto& splice : splices) size = size - (splice.span.end - splice.span.begin) + splice.text.size();
  std::string out;
  out.reserve(size);
  std::size_t copied = 0;
  for (const auto& splice : splices) {
    out.append(text.substr(copied, splice.span.begin - copied));
    out.append(splice.text);
    copied = splice.span.end;
  }
  out.append(text.substr(copied));
  return out;
}

}  // namespace claimcheck
