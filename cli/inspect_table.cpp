// `inspect` on a terminal: an aligned table, one row per reference, with the
// reasons and URLs on indented lines below their row, then the summary.
#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "base/text.hpp"
#include "core/units.hpp"
#include "inspect_output.hpp"
#include "temporal/sdk_key.hpp"

namespace claimcheck::cli {
namespace {

constexpr std::array<const char*, 12> kHeader = {
    "LOCATION", "FORMAT",    "KEY",     "SIZE",    "STORED", "RATIO",
    "COMPRESSION", "SHA256", "STORED AT", "EXPIRES", "LEFT",  "STATUS"};
constexpr std::size_t kStatusColumn = kHeader.size() - 1;
constexpr std::size_t kShaShown = 12;
constexpr std::size_t kGap = 2;  // spaces between columns
/// Columns given up, in this order, when a row is wider than the terminal.
constexpr std::array<std::size_t, 8> kDropOrder = {5 /*RATIO*/, 6 /*COMPRESSION*/, 8 /*STORED AT*/, 7 /*SHA256*/,
                                                   4 /*STORED*/, 9 /*EXPIRES*/, 1 /*FORMAT*/, 3 /*SIZE*/};
/// Columns shortened in the middle after that, and how narrow they may get.
constexpr std::size_t kLocationColumn = 0, kKeyColumn = 2, kMinShortened = 16;

using Row = std::array<std::string, kHeader.size()>;

std::string or_dash(std::string text) { return text.empty() ? "-" : text; }

/// Keys of foreign references are unchecked input: no escape sequences
/// (C0, DEL, C1: '?'), no bytes that are not UTF-8 (\xNN).
std::string printable(const std::string& text) { return base::printable_line(text, '?'); }

std::string stored_size_text(const Inspection& item) {
  const auto& ref = item.finding.reference;
  if (ref && ref->stored_bytes) return format_size(*ref->stored_bytes);
  if (item.object) return format_size(item.object->stored_size);
  return "-";
}

std::string ratio_text(const Inspection& item) {
  if (item.finding.external) return "-";  // sizeBytes is the stored size: no original to compare
  const auto& ref = item.finding.reference;
  std::optional<std::uint64_t> stored = ref ? ref->stored_bytes : std::nullopt;
  if (!stored && item.object) stored = item.object->stored_size;
  if (!stored || !item.finding.size || *item.finding.size == 0) return "-";
  return fmt::format("{:.1f}%", 100.0 * static_cast<double>(*stored) /
                                    static_cast<double>(*item.finding.size));
}

std::string time_left_text(const Inspection& item, TimePoint now) {
  if (!item.expires_at) return "-";
  return format_time_left(*item.expires_at, now);
}

std::string status_text(const Inspection& item) {
  std::string text(status_name(item.status));
  if (!item.verified.empty()) text += " (" + item.verified + " verified)";
  if (item.status == CheckStatus::Expired && item.looked_up)
    text += item.object ? " (still stored)" : " (object gone)";
  return text;
}

Row make_row(const Inspection& item, const InspectReport& report) {
  const Finding& f = item.finding;
  const auto& ref = f.reference;
  return Row{printable(describe_location(item, report.several_sources)),
             std::string(format_name(f.format)),
             printable(or_dash(f.bucket.empty() ? f.key : f.bucket + "/" + f.key)),
             f.size ? format_size(*f.size) : "-",
             stored_size_text(item),
             ratio_text(item),
             ref ? (ref->compressed ? "gzip" : "none") : "-",
             printable(or_dash(f.sha256.substr(0, kShaShown))),
             ref && ref->stored_at != TimePoint{} ? format_rfc3339(ref->stored_at) : "-",
             item.expires_at ? format_rfc3339(*item.expires_at) : "-",
             time_left_text(item, report.now),
             status_text(item)};
}

const char* status_color(CheckStatus status) {
  switch (status) {
    case CheckStatus::Ok: return "\033[32m";
    case CheckStatus::Expired:
    case CheckStatus::OtherStore: return "\033[33m";
    case CheckStatus::Foreign: return "\033[36m";
    case CheckStatus::Unchecked: return "\033[2m";
    default: return "\033[1;31m";
  }
}

using Widths = std::array<std::size_t, kHeader.size()>;
using Shown = std::array<bool, kHeader.size()>;

/// Cells are ASCII but for keys and locations: count code points, not bytes.
std::size_t display_width(const std::string& text) {
  std::size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

/// "claimcheck/2026-12-29/…5c695b7ba97f": both ends kept, as they tell keys apart.
std::string shorten_middle(const std::string& text, std::size_t width) {
  if (display_width(text) <= width || width < 2) return text;
  const std::size_t keep = width - 1, head = keep / 2, tail = keep - head;
  std::size_t cut_head = 0, cut_tail = text.size();
  for (std::size_t chars = 0; chars < head && cut_head < text.size();) {
    ++cut_head;
    if (cut_head == text.size() || (static_cast<unsigned char>(text[cut_head]) & 0xC0) != 0x80) ++chars;
  }
  for (std::size_t chars = 0; chars < tail && cut_tail > cut_head;) {
    --cut_tail;
    if ((static_cast<unsigned char>(text[cut_tail]) & 0xC0) != 0x80) ++chars;
  }
  return text.substr(0, cut_head) + "\u2026" + text.substr(cut_tail);
}

std::size_t row_width(const Widths& widths, const Shown& shown) {
  std::size_t total = 0, columns = 0;
  for (std::size_t i = 0; i < widths.size(); ++i)
    if (shown[i]) total += widths[i], ++columns;
  return total + kGap * (columns - 1);
}

/// Drops and narrows columns until a row fits `width` (or nothing more can go).
void fit(Widths& widths, Shown& shown, std::size_t width) {
  for (std::size_t column : kDropOrder) {
    if (row_width(widths, shown) <= width) return;
    shown[column] = false;
  }
  for (std::size_t column : {kKeyColumn, kLocationColumn}) {
    const std::size_t total = row_width(widths, shown);
    if (total <= width) return;
    const std::size_t floor = std::min(kMinShortened, widths[column]);
    widths[column] = std::max(floor, widths[column] - std::min(widths[column], total - width));
  }
}

std::string render_row(const Row& row, const Widths& widths, const Shown& shown, const char* color) {
  std::string line;
  for (std::size_t i = 0; i < row.size(); ++i) {
    if (!shown[i]) continue;
    const bool last = i + 1 == row.size();
    std::string text = shorten_middle(row[i], widths[i]);
    std::string cell = last ? text : text + std::string(widths[i] - display_width(text) + kGap, ' ');
    line += color && i == kStatusColumn ? std::string(color) + cell + "\033[0m" : cell;
  }
  return line + "\n";
}

/// What the SDK key layout of an External Storage object says, one line.
std::string sdk_key_text(const Finding& f) {
  if (!f.external) return {};
  const auto key = temporal::parse_sdk_key(f.external->key);
  if (!key) return {};
  std::string text;
  auto add = [&text](const char* label, const std::string& value) {
    if (!value.empty()) text += (text.empty() ? "" : ", ") + std::string(label) + " " + value;
  };
  add("namespace", key->namespace_name);
  add("workflow type", key->workflow_type);
  add("workflow id", key->workflow_id);
  add("activity type", key->activity_type);
  add("activity id", key->activity_id);
  add("run id", key->run_id);
  return text;
}

}  // namespace

std::string describe_location(const Inspection& item, bool with_source) {
  const Finding& f = item.finding;
  std::string where;
  if (with_source) where = item.source + " ";
  if (f.line) where += fmt::format("line {} ", f.line);
  if (!f.event_type.empty() || !f.event_id.empty()) {
    where += fmt::format("#{} {}", f.event_id, f.event_type);
    if (!f.type_name.empty()) where += " " + f.type_name;
    if (!f.field.empty()) where += " " + f.field;
    return where;
  }
  return where + (f.pointer.empty() ? "(whole input)" : f.pointer);
}

std::string summary_line(const InspectSummary& s) {
  std::string line = fmt::format(
      "found {}, ok {}, missing {}, corrupt {}, expired {}, foreign {}, invalid {}", s.found, s.ok,
      s.missing, s.corrupt, s.expired, s.foreign, s.invalid);
  if (s.unchecked) line += fmt::format(", unchecked {}", s.unchecked);
  if (s.errors) line += fmt::format(", errors {}", s.errors);
  if (s.other_store) line += fmt::format(", other store {}", s.other_store);
  return line;
}

std::string inspect_table(const InspectReport& report, bool color, std::size_t width) {
  std::vector<Row> rows;
  Widths widths{};
  Shown shown;
  shown.fill(true);
  Row header;
  std::copy(kHeader.begin(), kHeader.end(), header.begin());
  rows.push_back(header);
  for (const auto& item : report.items) rows.push_back(make_row(item, report));
  for (const auto& row : rows)
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], display_width(row[i]));
  if (width > 0) fit(widths, shown, width);
  std::string out = render_row(rows[0], widths, shown, nullptr);
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const Inspection& item = report.items[r - 1];
    out += render_row(rows[r], widths, shown, color ? status_color(item.status) : nullptr);
    if (auto sdk = sdk_key_text(item.finding); !sdk.empty()) out += "    " + printable(sdk) + "\n";
    for (const auto& problem : item.problems) out += "    ! " + printable(problem) + "\n";
    if (!item.url.empty()) out += "    url: " + item.url + "\n";
  }
  out += summary_line(report.summary);
  if (report.offline) out += " (offline: nothing looked up)";
  return out + "\n";
}

}  // namespace claimcheck::cli
