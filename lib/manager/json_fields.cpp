// --json-fields: large values of a JSON document go to the store and are
// replaced in place by their reference; restore does the reverse for every
// reference anywhere. Both work on the text: only the replaced values change,
// every other byte (whitespace, number spelling, escapes) stays as it was.
#include "manager/json_fields.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "base/text.hpp"
#include "core/error.hpp"
#include "core/shared_work.hpp"
#include "core/json_text.hpp"
#include "reference/reference.hpp"
#include "manager/staged_output.hpp"
#include "manager/json_spans.hpp"

namespace claimcheck {
namespace {

using Json = nlohmann::ordered_json;

std::string_view span_text(std::string_view text, JsonSpan span) {
  return text.substr(span.begin, span.end - span.begin);
}

bool has_member(const std::vector<MemberSpan>& members, std::string_view name) {
  return std::any_of(members.begin(), members.end(), [&](const MemberSpan& m) { return m.name == name; });
}

bool in_scope(const FieldScope& scope, std::string_view name) {
  return std::find(scope.sections.begin(), scope.sections.end(), name) != scope.sections.end();
}

class FieldOffloader {
 public:
  FieldOffloader(std::string_view text, Manager& manager, const OffloadOptions& options)
      : text_(text), manager_(manager), options_(options) {
    if (options_.content_type.empty()) options_.content_type = "application/json";
  }

  /// The members of each section; with the top level in scope, also every
  /// other top-level value.
  void visit_document(const FieldScope& scope) {
    const int depth = std::max(scope.depth, 1);
    const bool top_level = in_scope(scope, FieldScope::kTopLevel);
    std::vector<std::string> present;
    for (const auto& member : object_members(text_, value_start(text_))) {
      const bool section = in_scope(scope, member.name);
      if (section) present.push_back(member.name);
      if (section && is_plain_object(member.value))
        visit_members(member.value, depth);
      else if (top_level)
        visit_value(member.value, depth);
      if (section && !top_level && text_[member.value.begin] != '{')
        result_.non_object_sections.push_back(member.name);
    }
    for (const auto& name : scope.sections)
      if (name != FieldScope::kTopLevel && std::find(present.begin(), present.end(), name) == present.end())
        result_.absent_sections.push_back(name);
  }

  /// Views of the offloader's own reference texts: valid while it lives.
  std::vector<Splice> splices() const {
    std::vector<Splice> splices;
    for (const auto& [span, reference] : offloaded_) splices.push_back({span, reference});
    return splices;
  }
  FieldOffloadResult result() const { return result_; }

 private:
  void visit_members(JsonSpan object, int levels) {
    for (const auto& member : object_members(text_, object.begin)) visit_value(member.value, levels);
  }

  /// Objects above the last level are descended into instead of offloaded whole.
  void visit_value(JsonSpan value, int levels) {
    if (levels > 1 && is_plain_object(value))
      visit_members(value, levels - 1);
    else
      consider(value);
  }

  bool is_plain_object(JsonSpan value) const {
    return text_[value.begin] == '{' && !is_reference(value);
  }

  bool is_reference(JsonSpan value) const {
    if (text_[value.begin] != '{') return false;
    for (const auto& member : object_members(text_, value.begin))
      if (member.name == "_type")
        return Json::parse(span_text(text_, member.value)) == "claim_check_ref";
    return false;
  }

  void consider(JsonSpan value) {
    if (is_reference(value)) {
      ++result_.kept;
      return;
    }
    // Decided on the compact size, as the Go runner's json.Marshal measures
    // it; stored as the exact bytes of the input, so that restoring gives back
    // every number's spelling (1E2, -0, 20-digit integers) unchanged.
    std::string_view exact = span_text(text_, value);
    if (compact_length(exact) < options_.threshold) {
      ++result_.kept;
      return;
    }
    offloaded_.emplace_back(value, to_json(manager_.offload(exact, options_)));
    ++result_.offloaded;
  }

  std::string_view text_;
  Manager& manager_;
  OffloadOptions options_;
  std::vector<std::pair<JsonSpan, std::string>> offloaded_;  // each value and its reference's text
  FieldOffloadResult result_;
};

/// A bare reference, or a value `others` took for one.
struct Found {
  JsonSpan span;
  Reference reference;
  OtherReference other;
};

/// A value that could not be read as the reference it says it is (thrown
/// while the document is walked): where it starts, and the error.
struct RecognitionFailure {
  std::size_t offset;
  std::exception_ptr error;
};

/// recognise(), its Error thrown as the RecognitionFailure of the value at `span`.
template <typename Recognise>
auto recognising(JsonSpan span, Recognise&& recognise) {
  try {
    return recognise();
  } catch (const Error&) {
    throw RecognitionFailure{span.begin, std::current_exception()};
  }
}

/// Every reference anywhere in the value at `span` (the value of member
/// `name`); references are not searched inside.
void collect_references(std::string_view text, JsonSpan span, std::vector<Found>& found,
                        const OtherReferences& others = {}, std::string_view name = {}) {
  if (text[span.begin] == '[') {
    if (others) {
      if (auto other = recognising(span, [&] { return others({span_text(text, span), nullptr, name}); })) {
        found.push_back({span, {}, std::move(*other)});
        return;
      }
    }
    for (auto element : array_elements(text, span.begin)) collect_references(text, element, found, others);
    return;
  }
  if (text[span.begin] != '{') return;
  auto members = object_members(text, span.begin);
  if (has_member(members, "_type") || has_member(members, "key")) {
    if (auto ref = recognising(span, [&] { return reference_from_json(Json::parse(span_text(text, span))); })) {
      found.push_back({span, std::move(*ref), {}});
      return;
    }
  }
  if (others) {
    if (auto other = recognising(span, [&] { return others({span_text(text, span), &members, name}); })) {
      found.push_back({span, {}, std::move(*other)});
      return;
    }
  }
  for (const auto& member : members) collect_references(text, member.value, found, others, member.name);
}

std::string fetch_payload(Manager& manager, const Reference& ref) {
  StringSink payload;
  auto staged = stage_to_stream(payload, 64u << 20);
  manager.retrieve(ref, *staged);
  return payload.take();
}

std::string payload_text(const std::string& payload, const Reference& ref);

/// What makes two found values restore alike (see OtherReference::identity):
/// a bare reference's every field, as its canonical JSON.
std::string identity(const Found& f) {
  return f.other.replacement ? f.other.identity : "reference " + to_json(f.reference);
}

/// The replacements of the found values: one per distinct value (see
/// identity), and for each found value the index of its own.
struct Replacements {
  std::vector<RestoredValue> distinct;
  std::vector<std::size_t> index_of;  // found[i] becomes distinct[index_of[i]]
};

/// A pointer as an error line shows it: each name at most 64 bytes, the
/// whole at most 512 (its end kept), so that the cause after it still fits.
/// A cut never splits a character or an escape (~0, ~1).
std::string shown_pointer(const std::string& pointer) {
  constexpr std::size_t kSegment = 64, kWhole = 512;
  const std::string_view marker = "...";
  std::string shown;
  for (std::size_t at = 0; at < pointer.size();) {
    const std::size_t next = std::min(pointer.find('/', at + 1), pointer.size());
    const std::string_view segment = std::string_view(pointer).substr(at, next - at);  // with its '/'
    if (segment.size() <= kSegment + 1) {
      shown += segment;
    } else {
      std::size_t cut = base::utf8_prefix_length(segment, kSegment + 1);
      if (segment[cut - 1] == '~') --cut;
      shown += std::string(segment.substr(0, cut)) + std::string(marker);
    }
    at = next;
  }
  if (shown.size() <= kWhole) return shown;
  std::size_t cut = shown.size() - (kWhole - marker.size());
  while (cut < shown.size() && ((static_cast<unsigned char>(shown[cut]) & 0xC0) == 0x80 || shown[cut - 1] == '~')) ++cut;
  return std::string(marker) + shown.substr(cut);
}

std::string location_text(std::size_t line, const std::string& pointer) {
  std::string where = line > 0 ? "line " + std::to_string(line) : "";
  if (!pointer.empty()) where += (where.empty() ? "at " : ", at ") + shown_pointer(pointer);
  return where;
}

/// The failure of the value starting at `offset`, rethrown naming where it
/// is: its line in JSON Lines, and its pointer (continued by the pointer a
/// nested restore gave, where `nested_at` says where that text sits). A
/// document that is itself the value keeps the error as it was.
[[noreturn]] void rethrow_located(std::exception_ptr failure, std::string_view text,
                                  const std::vector<std::size_t>& starts, std::size_t offset,
                                  const std::optional<std::string>& nested_at) {
  const std::size_t start = *std::prev(std::upper_bound(starts.begin(), starts.end(), offset));
  const std::size_t line =
      starts.size() > 1 ? 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(start), '\n'))
                        : 0;
  std::string pointer = json_pointer_to(text, start, offset);
  try {
    std::rethrow_exception(failure);
  } catch (const LocatedError& e) {
    if (nested_at) pointer += *nested_at + e.pointer();
    if (line == 0 && pointer.empty()) throw e.cause();
    throw LocatedError(e.cause(), line, pointer);
  } catch (const Error& e) {
    if (line == 0 && pointer.empty()) throw;
    throw LocatedError(e, line, pointer);
  }
}

/// Computes them `concurrency` at a time: a value found again (the same
/// reference in several events, or in every line of a state log) is fetched
/// once, and its text held once. The first failure stops the others from
/// starting and is rethrown, saying where in `text` its value is.
Replacements replacements(const ReferenceFetcher& fetch, std::string_view text, const std::vector<std::size_t>& starts,
                          const std::vector<Found>& found, int concurrency) {
  Replacements out;
  std::vector<const Found*> to_fetch;
  std::unordered_map<std::string, std::size_t> seen;
  for (const Found& f : found) {
    const std::string id = identity(f);
    auto [at, inserted] = id.empty() ? std::pair{seen.end(), true} : seen.try_emplace(id, to_fetch.size());
    out.index_of.push_back(inserted ? to_fetch.size() : at->second);
    if (inserted) to_fetch.push_back(&f);
  }
  out.distinct.resize(to_fetch.size());
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr first_error;
  const Found* first_failed = nullptr;
  std::mutex error_mutex;
  auto worker = [&] {
    for (std::size_t k; !failed && (k = next++) < to_fetch.size();) {
      try {
        const Found& f = *to_fetch[k];
        out.distinct[k] = f.other.replacement ? f.other.replacement()
                                              : RestoredValue{payload_text(fetch(f.reference), f.reference)};
      } catch (...) {
        std::lock_guard lock(error_mutex);
        if (!first_error) {
          first_error = std::current_exception();
          first_failed = to_fetch[k];
        }
        failed = true;
      }
    }
  };
  std::size_t threads = std::min<std::size_t>(to_fetch.size(), static_cast<std::size_t>(std::max(concurrency, 1)));
  run_on_threads(threads, worker);
  if (first_error) rethrow_located(first_error, text, starts, first_failed->span.begin, first_failed->other.nested_at);
  return out;
}

/// A payload that is JSON goes in as its own text (exact, big numbers
/// included); anything else as a JSON string.
std::string payload_text(const std::string& payload, const Reference& ref) {
  if (is_json<Json>(payload)) {
    std::size_t begin = value_start(payload), end = payload.size();
    while (end > begin && std::string_view(" \t\r\n").find(payload[end - 1]) != std::string_view::npos) --end;
    return payload.substr(begin, end - begin);
  }
  try {
    return Json(payload).dump();
  } catch (const nlohmann::json::type_error&) {
    throw Error(ErrorKind::InvalidInput, "restore " + ref.key,
                "payload is binary (not UTF-8): it cannot be placed in a JSON document");
  }
}

/// Walking the document recurses once per level: a hostile nesting must be
/// refused, not overflow the stack.
constexpr std::size_t kMaxNesting = 512;

/// Why `text` (which is not JSON to the parser) is refused: `what`, with
/// the parser's words when `in_detail` (their line and column count within
/// `text`). A number beyond a double's range is JSON, but one the parser
/// cannot hold: said so, not "not JSON".
std::string refusal(std::string_view text, const std::string& what, bool in_detail) {
  try {
    parse_json<Json>(text);
  } catch (const Json::out_of_range& e) {
    return "a number beyond +/-1.8e308, which claimcheck cannot check (" + json_error_reason(e) + ")";
  } catch (const std::exception& e) {
    if (in_detail) return what + ": " + json_error_reason(e);
  }
  return what;
}

void require_json(std::string_view text, bool object) {
  if (nesting_depth(text) > kMaxNesting)
    throw Error(ErrorKind::InvalidInput, "--json-fields",
                "document nests deeper than " + std::to_string(kMaxNesting) + " levels");
  Json parsed = parse_json_or_discarded<Json>(text);
  if (parsed.is_discarded())
    throw Error(ErrorKind::InvalidInput, "--json-fields", refusal(text, "input is not JSON", true));
  if (object && !parsed.is_object())
    throw Error(ErrorKind::InvalidInput, "--json-fields", "input is not a JSON object");
}

/// Where the input's values start: one JSON value, or JSON Lines (one value
/// per non-blank line), whose lines are each restored in place.
std::vector<std::size_t> value_starts(std::string_view text) {
  if (nesting_depth(text) > kMaxNesting)
    throw Error(ErrorKind::InvalidInput, "--json-fields",
                "document nests deeper than " + std::to_string(kMaxNesting) + " levels");
  if (is_json<Json>(text)) return {value_start(text)};
  std::vector<std::size_t> starts;
  for (std::size_t begin = 0, line = 1; begin < text.size(); ++line) {
    std::size_t end = text.find('\n', begin);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view content = text.substr(begin, end - begin);
    if (content.find_first_not_of(" \t\r") != std::string_view::npos) {
      if (!is_json<Json>(content))
        throw Error(ErrorKind::InvalidInput, "--json-fields",
                    starts.empty() && line == 1
                        ? refusal(text, "input is not JSON", true)
                        : refusal(content, "input is not JSON, nor JSON Lines (line " + std::to_string(line) + ")",
                                  false));
      starts.push_back(begin + value_start(content));
    }
    begin = end + 1;
  }
  if (starts.empty()) throw Error(ErrorKind::InvalidInput, "--json-fields", "input is not JSON");
  return starts;
}

std::vector<Found> references_at(std::string_view text, const std::vector<std::size_t>& starts,
                                 const OtherReferences& others = {}) {
  std::vector<Found> found;
  try {
    for (std::size_t start : starts) collect_references(text, value_span(text, start), found, others);
  } catch (const RecognitionFailure& failure) {
    rethrow_located(failure.error, text, starts, failure.offset, std::nullopt);
  }
  return found;
}

}  // namespace

LocatedError::LocatedError(const Error& cause, std::size_t line, std::string pointer)
    : Error(cause.kind(), location_text(line, pointer) + ": " + cause.what_failed(), cause.why()),
      cause_(cause),
      pointer_(std::move(pointer)) {
  detail = cause.detail;
}

std::string offload_fields_text(std::string_view text, Manager& manager,
                                const OffloadOptions& options, const FieldScope& scope,
                                FieldOffloadResult* result) {
  require_json(text, true);
  if (!options.enabled) return std::string(text);
  FieldOffloader offloader(text, manager, options);
  offloader.visit_document(scope);
  if (result != nullptr) *result = offloader.result();
  return apply_splices(text, offloader.splices());
}

ReferenceFetcher fetch_through(Manager& manager) {
  return [&manager](const Reference& ref) { return fetch_payload(manager, ref); };
}

std::string restore_fields_text(std::string_view text, Manager& manager, int concurrency,
                                std::size_t* restored) {
  return restore_fields_text(text, fetch_through(manager), concurrency, restored);
}

std::optional<NestedReferences> references_in_text(std::string_view text) {
  std::vector<std::size_t> starts;
  try {
    starts = value_starts(text);
  } catch (const Error&) {
    return std::nullopt;  // not a document: nothing in it to restore
  }
  NestedReferences nested;
  nested.restored_size = text.size();
  for (Found& f : references_at(text, starts)) {
    nested.restored_size += f.reference.size_bytes;
    nested.restored_size -= f.span.end - f.span.begin;
    nested.references.push_back(std::move(f.reference));
  }
  return nested;
}

std::string restore_fields_text(std::string_view text, const ReferenceFetcher& fetch,
                                int concurrency, std::size_t* restored, const OtherReferences& others) {
  const std::vector<std::size_t> starts = value_starts(text);
  const std::vector<Found> found = references_at(text, starts, others);
  Replacements restored_values = replacements(fetch, text, starts, found, concurrency);
  // In JSON Lines a payload must stay on its line (strings keep their
  // escaped newlines; only whitespace between tokens goes).
  if (starts.size() > 1)
    for (RestoredValue& value : restored_values.distinct)
      if (value.text.find('\n') != std::string::npos) value.text = compact_text(value.text);
  std::vector<Splice> splices;
  std::size_t count = 0;
  for (std::size_t i = 0; i < found.size(); ++i) {
    const RestoredValue& value = restored_values.distinct[restored_values.index_of[i]];
    splices.push_back({found[i].span, value.text});
    count += value.references;
  }
  std::string out = apply_splices(text, std::move(splices));
  if (restored != nullptr) *restored = count;
  return out;
}

FieldOffloadResult offload_fields(nlohmann::ordered_json& document, Manager& manager,
                                  const OffloadOptions& options, const FieldScope& scope) {
  if (!document.is_object()) return {};
  FieldOffloadResult result;
  document = Json::parse(offload_fields_text(document.dump(), manager, options, scope, &result));
  return result;
}

std::size_t restore_fields(nlohmann::ordered_json& document, Manager& manager, int concurrency) {
  std::size_t restored = 0;
  document = Json::parse(restore_fields_text(document.dump(), manager, concurrency, &restored));
  return restored;
}

}  // namespace claimcheck
