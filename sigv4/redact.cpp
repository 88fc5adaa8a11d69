#include "redact.hpp"

#include <array>

#include "base/text.hpp"

namespace sigv4 {
namespace {

struct Marker {
  std::string_view name;   // lower case, including its separator
  std::string_view stops;  // characters that end the secret value
};

// Header forms run to the end of the line; query forms to the next parameter.
constexpr std::array<Marker, 6> kMarkers{{
    {"authorization:", "\r\n"},
    {"x-amz-security-token:", "\r\n"},
    {"x-amz-security-token=", "&\r\n \""},
    {"x-amz-signature=", "&\r\n \""},
    {"x-amz-credential=", "&\r\n \""},
    {"signature=", "&,\r\n \""},
}};

// Redacts every occurrence of one marker; `folded` mirrors `text` in lower case.
void redact_marker(std::string& text, std::string& folded, const Marker& marker) {
  static constexpr std::string_view kRedacted = "<redacted>";
  std::size_t from = 0;
  while ((from = folded.find(marker.name, from)) != std::string::npos) {
    const std::size_t value_start = from + marker.name.size();
    std::size_t value_end = folded.find_first_of(marker.stops, value_start);
    if (value_end == std::string::npos) value_end = folded.size();
    text.replace(value_start, value_end - value_start, kRedacted);
    folded.replace(value_start, value_end - value_start, kRedacted);
    from = value_start + kRedacted.size();
  }
}

}  // namespace

std::string redact_secrets(std::string_view input) {
  std::string text(input);
  std::string folded = base::to_lower(input);
  for (const Marker& marker : kMarkers) redact_marker(text, folded, marker);
  return text;
}

}  // namespace sigv4
