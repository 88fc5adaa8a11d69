// The walk: one pass over a parsed document, keeping the JSON pointer and
// the history event being visited, reporting every reference it meets.
#include "scanner/scanner.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "base/text.hpp"
#include "core/error.hpp"
#include "core/json_text.hpp"
#include "manager/json_spans.hpp"
#include "scanner/scan_internal.hpp"
#include "temporal/external_storage_reference.hpp"
#include "temporal/payload.hpp"
#include "temporal/payload_codecs.hpp"

namespace claimcheck {

using scan::Json;

std::string_view format_name(FoundFormat format) {
  switch (format) {
    case FoundFormat::ClaimCheck: return "claimcheck";
    case FoundFormat::GoRunner: return "go-runner";
    case FoundFormat::TypeScript: return "typescript";
    case FoundFormat::TemporalExternalStorage: return "temporal-external-storage";
    case FoundFormat::TemporalExternalStorageLegacy: return "temporal-external-storage-legacy";
    case FoundFormat::DataDogRemoteCodecV2: return "datadog-remote-codec-v2";
    case FoundFormat::CookbookClaimChecked: return "cookbook-claim-checked";
    case FoundFormat::AwsExtendedClient: return "aws-extended-client";
    case FoundFormat::Unreadable: return "unreadable";
  }
  return "unknown";
}

bool is_fetchable(FoundFormat format) {
  return format == FoundFormat::ClaimCheck || format == FoundFormat::GoRunner ||
         format == FoundFormat::TypeScript || format == FoundFormat::TemporalExternalStorage ||
         format == FoundFormat::TemporalExternalStorageLegacy;
}

namespace {

/// A key some object holds twice, and that object's JSON pointer.
struct DuplicateKey {
  std::string key, pointer;
};

/// The keys twice a document holds: the first kMaxListed, and how many in all.
struct DuplicateKeys {
  static constexpr std::size_t kMaxListed = 20;
  std::vector<DuplicateKey> listed;
  std::size_t total = 0;
};

/// One escaped JSON pointer token.
void append_token(std::string& pointer, std::string_view token) {
  pointer += '/';
  for (char c : token) {
    if (c == '~') pointer += "~0";
    else if (c == '/') pointer += "~1";
    else pointer += c;
  }
}

/// parse_json, noting the keys that objects hold twice (slower than
/// parse_json: for duplicate_keys only). Throws as parse_json does.
Json parse_noting_duplicate_keys(std::string_view text, DuplicateKeys& duplicates) {
  // The keys of the objects being parsed, innermost last: one list, each
  // object's keys after its start (kept allocated from one object to the next).
  std::vector<std::string> keys;
  std::vector<std::size_t> starts;
  std::size_t used = 0;
  // The containers being parsed, outermost first: where each is, for the pointer.
  struct Container {
    bool array = false;
    std::size_t elements = 0;  // an array's, begun so far
    std::string key;           // an object's, the member being parsed
    std::vector<std::string> reported;  // an object's keys already said to be there twice
  };
  std::vector<Container> open;
  const auto element_begins = [&open] {
    if (!open.empty() && open.back().array) ++open.back().elements;
  };
  const auto pointer_of_innermost = [&open] {
    std::string pointer;
    for (std::size_t i = 0; i + 1 < open.size(); ++i)
      append_token(pointer, open[i].array ? std::to_string(open[i].elements - 1) : open[i].key);
    return pointer;
  };
  return parse_json<Json>(text, [&](int, Json::parse_event_t event, Json& parsed) {
    switch (event) {
      case Json::parse_event_t::object_start:
        element_begins();
        open.push_back({false, 0, {}, {}});
        starts.push_back(used);
        break;
      case Json::parse_event_t::array_start:
        element_begins();
        open.push_back({true, 0, {}, {}});
        break;
      case Json::parse_event_t::array_end: open.pop_back(); break;
      case Json::parse_event_t::value: element_begins(); break;
      case Json::parse_event_t::object_end:
        open.pop_back();
        used = starts.back();
        starts.pop_back();
        break;
      case Json::parse_event_t::key: {
        const auto& key = parsed.get_ref<const std::string&>();
        open.back().key = key;
        const auto begin = keys.begin() + static_cast<std::ptrdiff_t>(starts.back());
        const auto end = keys.begin() + static_cast<std::ptrdiff_t>(used);
        if (std::find(begin, end, key) != end) {
          // Once per key and object: a key thrice is one key twice.
          auto& reported = open.back().reported;
          if (std::find(reported.begin(), reported.end(), key) != reported.end()) break;
          reported.push_back(key);
          if (duplicates.total++ < DuplicateKeys::kMaxListed)
            duplicates.listed.push_back({key, pointer_of_innermost()});
          break;
        }
        if (used == keys.size()) keys.emplace_back();
        keys[used++].assign(key);
        break;
      }
    }
    return true;
  });
}

/// Members the parsed document holds, in all its objects.
std::size_t members_in(const Json& document) {
  std::size_t members = 0;
  std::vector<const Json*> pending{&document};  // no recursion: documents nest deep
  while (!pending.empty()) {
    const Json* value = pending.back();
    pending.pop_back();
    if (value->is_object()) members += value->size();
    if (value->is_structured())
      for (const Json& child : *value) pending.push_back(&child);
  }
  return members;
}

/// A key some object of `text` holds twice: the parsed `document` keeps one
/// of its values, so a reference under the other would never be seen
/// (retrieve --json-fields, which works on the text, restores both).
/// Counted first, cheaply; looked for only when the counts differ.
DuplicateKeys duplicate_keys(std::string_view text, const Json& document) {
  DuplicateKeys duplicates;
  if (member_count(text) != members_in(document)) parse_noting_duplicate_keys(text, duplicates);
  return duplicates;
}

/// What could not be read (invalid): neither inspect nor gc
/// --keep-referenced takes the input for all its references.
Finding unreadable(std::string why) {
  Finding finding;
  finding.format = FoundFormat::Unreadable;
  finding.error = std::move(why);
  return finding;
}

/// One finding for each key twice, at the object that holds it (the last
/// one says how many more were not listed).
std::vector<Finding> duplicate_key_findings(const DuplicateKeys& duplicates) {
  std::vector<Finding> findings;
  for (const DuplicateKey& duplicate : duplicates.listed) {
    findings.push_back(unreadable("an object has the key \"" + duplicate.key.substr(0, 80) +
                                  "\" twice; only one of its values is read (retrieve --json-fields restores both)"));
    findings.back().pointer = duplicate.pointer;
  }
  if (duplicates.total > duplicates.listed.size())
    *findings.back().error += fmt::format("; {} more keys twice in this document are not listed",
                                          duplicates.total - duplicates.listed.size());
  return findings;
}

/// JSON inside a payload or a string that nests deeper than the scanner
/// follows: the payload or string is the finding.
struct NestedTooDeep : Error {
  using Error::Error;
};

/// The event whose payloads are being walked.
struct EventContext {
  std::string id, type, type_name, field;
};

class Walker {
 public:
  /// `inflate_left`: what the input's binary/zlib payloads may still inflate to.
  Walker(const FindingHandler& emit, std::size_t line, InflateLimits limits, std::uint64_t& inflate_left)
      : emit_(emit), line_(line), limits_(limits), inflate_left_(inflate_left) {}

  /// A history printed one event per line: names gathered so far are kept
  /// by the caller across lines.
  void walk_event_line(const Json& event, const scan::TypeNames& names) {
    walk_event(event, names);
    event_ = {};
  }

  void walk_root(const Json& document) {
    if (auto finding = scan::typescript_reference(document)) return report(std::move(*finding));
    if (scan::is_event(document)) {
      scan::TypeNames names;
      scan::add_type_name(document, names);
      return walk_event_line(document, names);
    }
    walk(document);
  }

  void walk(const Json& value) {
    DepthGuard guard(depth_);
    if (guard.too_deep()) return skip_too_deep();
    if (value.is_object()) walk_object(value);
    else if (value.is_array()) walk_array(value);
    else if (value.is_string()) walk_string(value.get_ref<const std::string&>());
  }

 private:
  void walk_object(const Json& object) {
    if (scan::claims_to_be_reference(object)) return report(scan::claim_check_finding(object));
    if (auto payload = temporal::payload_from_json(object)) return walk_payload(*payload);
    if (auto wrapped = shorthand_wrapper(object)) return walk_payload(*wrapped);
    if (auto finding = scan::shorthand_message_finding(object)) return report(std::move(*finding));
    for (const auto& [key, child] : object.items()) {
      Descend into(pointer_, key);
      if (key == "events" && is_history(child)) walk_history(child);
      else walk(child);
    }
  }

  void walk_array(const Json& array) {
    if (auto pointer = scan::aws_pointer(array)) return report(std::move(*pointer));
    for (std::size_t i = 0; i < array.size(); ++i) {
      Descend into(pointer_, std::to_string(i));
      walk(array[i]);
    }
  }

  /// Message bodies and serialised state carry references as JSON text.
  void walk_string(const std::string& text) {
    const bool object_like = text.starts_with('{') || text.starts_with('[');
    if (!object_like || !scan::may_hold_reference(text)) return;
    if (auto parsed = parse_embedded(text); parsed && !parsed->is_string()) walk_isolated(*parsed);
  }

  /// A payload, or JSON held in a value (a string, a payload's data). Nested
  /// too deep, it is that value's problem, reported where it sits: the rest
  /// of the input is still read (gc --keep-referenced stops at such a finding).
  void walk_isolated(const Json& data) {
    const bool outer = isolated_;
    isolated_ = true;
    try {
      walk(data);
      isolated_ = outer;
    } catch (const NestedTooDeep& e) {
      isolated_ = outer;
      report(unreadable(e.why()));
    }
  }

  /// JSON text inside a value (nullopt when it is not JSON); a key it holds
  /// twice is reported here.
  std::optional<Json> parse_embedded(std::string_view text) {
    std::optional<Json> parsed;
    try {
      parsed = parse_json<Json>(text);
    } catch (const Json::exception&) {
      return std::nullopt;
    }
    for (Finding& finding : duplicate_key_findings(duplicate_keys(text, *parsed))) {
      std::string pointer = pointer_ + finding.pointer;  // before the finding is moved
      report(std::move(finding), std::move(pointer));
    }
    return parsed;
  }

  /// serve's wrapper (below) in the CLI's bare shorthand of a message.
  static std::optional<temporal::JsonPayload> shorthand_wrapper(const Json& object) {
    auto message = temporal::payload_from_shorthand_message(object);
    auto original = message ? temporal::claimcheck_driver_payload(*message) : std::nullopt;
    if (!original) return std::nullopt;
    return temporal::JsonPayload{std::move(*original), temporal::PayloadForm::Shorthand, {}};
  }

  void walk_payload(const temporal::JsonPayload& parsed) {
    // serve's wrapper, as a history the Web UI exports holds it: the payload it wraps.
    if (auto original = temporal::claimcheck_driver_payload(parsed.payload))
      return walk_payload(temporal::JsonPayload{std::move(*original), parsed.form, {}});
    if (parsed.payload.encoding() == temporal::kZlibEncoding) return walk_inflated(parsed);
    if (auto finding = scan::payload_finding(parsed)) return report(std::move(*finding));
    if (!scan::may_hold_reference(parsed.payload.data)) return;
    if (auto data = parse_embedded(parsed.payload.data))
      walk_isolated(*data);  // the pointer goes on as if the payload were shown decoded
  }

  /// A binary/zlib payload holds a payload that may be a reference: serve
  /// shows it so, and gc --keep-referenced must keep what it names.
  void walk_inflated(const temporal::JsonPayload& parsed) {
    const std::uint64_t bound = std::min(limits_.per_payload, inflate_left_);
    temporal::Payload inner;
    try {
      std::uint64_t inflated = 0;  // every layer's
      inner = temporal::undo_known_codecs(parsed.payload, bound, &inflated);
      inflate_left_ -= inflated;
    } catch (const temporal::InflatesBeyond&) {
      return report(unreadable(
          bound < limits_.per_payload
              ? fmt::format("binary/zlib payload not read: the input's inflate to more than {} bytes together",
                            limits_.per_input)
              : fmt::format("binary/zlib payload not read: it inflates to more than {} bytes", bound)));
    } catch (const Error& e) {
      return report(unreadable("binary/zlib data that does not inflate to a payload: " + e.why()));
    }
    walk_payload(temporal::JsonPayload{std::move(inner), parsed.form, {}});
  }

  static bool is_history(const Json& events) {
    return events.is_array() && !events.empty() && scan::proto_member(events[0], "eventType") != nullptr;
  }

  void walk_history(const Json& events) {
    const scan::TypeNames names = scan::collect_type_names(events);
    for (std::size_t i = 0; i < events.size(); ++i) {
      Descend into(pointer_, std::to_string(i));
      walk_event(events[i], names);
    }
    event_ = {};
  }

  void walk_event(const Json& event, const scan::TypeNames& names) {
    event_ = {};
    if (!event.is_object()) return walk(event);
    if (const Json* id = scan::proto_member(event, "eventId")) event_.id = scan::id_text(*id);
    if (const Json* type = scan::proto_member(event, "eventType"); type && type->is_string())
      event_.type = scan::canonical_event_type(type->get_ref<const std::string&>());
    const Json* attributes = scan::event_attributes(event);
    if (attributes) event_.type_name = scan::event_type_name(*attributes, names);
    for (const auto& [key, child] : event.items()) {
      Descend into(pointer_, key);
      if (&child == attributes) walk_attributes(child);
      else walk(child);
    }
  }

  /// Names the field each payload sits in, the same in every payload form:
  /// the attribute names down to the payload or payload list
  /// ("failure.applicationFailureInfo.details", "acceptedRequest.input"),
  /// plus the entry name in maps of payloads ("memo.order", "details.data").
  void walk_attributes(const Json& attributes) {
    walk_fields(attributes, "");
    event_.field.clear();
  }

  void walk_fields(const Json& object, const std::string& path) {
    DepthGuard guard(depth_);
    if (guard.too_deep()) return skip_too_deep();
    for (const auto& [key, child] : object.items()) {
      Descend into(pointer_, key);
      // By its JSON name, whichever spelling the history has: one name per field.
      const std::string name = scan::json_name(key);
      const std::string field = path.empty() ? name : path + "." + name;
      if (const Json* map = payload_map(key, child)) {
        walk_map(*map, map == &child ? "" : map_member(child), field);
      } else if (child.is_object() && !holds_payloads(key, child)) {
        walk_fields(child, field);
      } else {
        event_.field = field;
        walk_payloads(child);
      }
    }
  }

  /// A payload field's value: a payload or, in shorthand, a list of them,
  /// each one's depth its own problem.
  void walk_payloads(const Json& value) {
    if (!value.is_array() || scan::aws_pointer(value)) return walk_isolated(value);
    for (std::size_t i = 0; i < value.size(); ++i) {
      Descend into(pointer_, std::to_string(i));
      walk_isolated(value[i]);
    }
  }

  void walk_map(const Json& map, const std::string& member, const std::string& field) {
    Descend into_map(pointer_, member);
    for (const auto& [name, entry] : map.items()) {
      Descend into_entry(pointer_, name);
      event_.field = field + "." + name;
      walk(entry);
    }
  }

  /// Attribute names whose value is a payload or a payload list.
  static bool is_payload_field(std::string_view key) {
    static constexpr std::string_view kFields[] = {
        "input", "result", "details", "lastHeartbeatDetails", "heartbeatDetails",
        "lastCompletionResult", "args", "success", "encodedAttributes", "payloads"};
    const std::string name = scan::json_name(key);
    for (auto field : kFields)
      if (name == field) return true;
    return false;
  }

  /// Where the field name stops: a payload field, a payload list, a payload
  /// in any form, or a reference.
  static bool holds_payloads(std::string_view key, const Json& value) {
    return is_payload_field(key) || value.contains("payloads") ||
           value.contains(temporal::kShorthandMessageTypeKey) || value.contains("metadata") ||
           scan::claims_to_be_reference(value);
  }

  static std::string map_member(const Json& value) {
    for (const char* member : {"indexedFields", "indexed_fields"})
      if (value.contains(member)) return member;
    return "fields";
  }

  /// memo / header / searchAttributes: {"fields":{name: payload}} (search
  /// attributes: "indexedFields"); marker details: {name: payload list},
  /// a list being {"payloads":[..]} or, in shorthand, an array.
  static const Json* payload_map(std::string_view key, const Json& value) {
    if (!value.is_object()) return nullptr;
    if (value.size() == 1) {
      for (const char* member : {"fields", "indexedFields", "indexed_fields"}) {
        auto it = value.find(member);
        if (it != value.end() && it->is_object()) return &*it;
      }
    }
    if (key != "details" || value.empty() || value.contains("payloads")) return nullptr;
    for (const auto& [_, entry] : value.items())
      if (!entry.is_array() && !(entry.is_object() && entry.contains("payloads"))) return nullptr;
    return &value;
  }

  void report(Finding finding, std::optional<std::string> pointer = std::nullopt) {
    finding.pointer = pointer ? std::move(*pointer) : pointer_;
    finding.line = line_;
    finding.event_id = event_.id;
    finding.event_type = event_.type;
    finding.type_name = event_.type_name;
    finding.field = event_.field;
    emit_(std::move(finding));
  }

  /// Appends one escaped JSON pointer token for the lifetime of a scope.
  class Descend {
   public:
    Descend(std::string& pointer, std::string_view token) : pointer_(pointer), size_(pointer.size()) {
      if (token.empty()) {
        size_ = std::string::npos;
        return;
      }
      append_token(pointer_, token);
    }
    ~Descend() {
      if (size_ != std::string::npos) pointer_.resize(size_);
    }
    Descend(const Descend&) = delete;
    Descend& operator=(const Descend&) = delete;

   private:
    std::string& pointer_;
    std::size_t size_;
  };

  /// Real histories nest a few dozen levels; bounding the recursion keeps a
  /// hostile "[[[[..." input from exhausting the stack.
  class DepthGuard {
   public:
    explicit DepthGuard(int& depth) : depth_(depth) { ++depth_; }
    ~DepthGuard() { --depth_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;
    bool too_deep() const { return depth_ > kMaxDepth; }

   private:
    int& depth_;
  };

  /// The value here nests too deep to follow. Inside a payload or a string,
  /// that value is the finding; elsewhere the finding is an ancestor with a
  /// short pointer (a table's location column, not 512 levels of "/0"), and
  /// the walk goes on with what follows: only this value goes unread.
  void skip_too_deep() {
    const std::size_t shown = base::utf8_prefix_length(pointer_, 200);
    const std::string why = "nested deeper than " + std::to_string(kMaxDepth) + " levels at " +
                            pointer_.substr(0, shown) + (shown < pointer_.size() ? "..." : "");
    if (isolated_) throw NestedTooDeep(ErrorKind::InvalidInput, "input", why);
    report(unreadable(why), short_pointer());
  }

  /// The pointer of the deepest ancestor of the value being walked whose
  /// pointer is at most kShortPointer bytes ("" for the root: a first key
  /// longer than that).
  std::string short_pointer() const {
    constexpr std::size_t kShortPointer = 64;
    if (pointer_.size() <= kShortPointer) return pointer_;
    std::size_t end = 0;
    for (std::size_t next = pointer_.find('/', 1); next != std::string::npos && next <= kShortPointer;
         next = pointer_.find('/', next + 1))
      end = next;
    return pointer_.substr(0, end);
  }

  static constexpr int kMaxDepth = 512;
  int depth_ = 0;
  bool isolated_ = false;  // walking a payload's or a string's JSON
  const FindingHandler& emit_;
  std::size_t line_;
  InflateLimits limits_;
  std::uint64_t& inflate_left_;
  std::string pointer_;
  EventContext event_;
};

/// Parses each JSON Lines line; blank lines are skipped. Lines that are
/// history events keep their history context.
void scan_lines(std::string_view text, const FindingHandler& on_finding, BadLines bad_lines,
                InflateLimits limits) {
  std::size_t line_number = 0;
  scan::TypeNames event_names;
  std::uint64_t inflate_left = limits.per_input;  // the whole input's, not each line's
  // Bad lines before the first good one wait: a text where no line is JSON
  // is not JSON Lines at all, and fails as a whole.
  std::vector<Finding> waiting;
  std::optional<Error> first_error;
  bool any_good = false;
  while (!text.empty()) {
    ++line_number;
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    Json document;
    try {
      document = parse_json<Json>(line);
    } catch (const Json::exception& e) {  // parse_error, and out_of_range for 1e400
      const std::string why = "line " + std::to_string(line_number) + " is not JSON: " + json_error_reason(e);
      if (bad_lines == BadLines::Fail) throw Error(ErrorKind::InvalidInput, "input", why);
      if (!first_error) first_error.emplace(ErrorKind::InvalidInput, "input", why);
      Finding finding = unreadable(why);
      finding.line = line_number;
      if (any_good)
        on_finding(std::move(finding));
      else
        waiting.push_back(std::move(finding));
      continue;
    }
    any_good = true;
    for (Finding& finding : waiting) on_finding(std::move(finding));
    waiting.clear();
    for (Finding& finding : duplicate_key_findings(duplicate_keys(line, document))) {
      finding.line = line_number;
      on_finding(std::move(finding));
    }
    if (scan::is_event(document)) {
      scan::add_type_name(document, event_names);
      Walker(on_finding, line_number, limits, inflate_left).walk_event_line(document, event_names);
    } else {
      Walker(on_finding, line_number, limits, inflate_left).walk_root(document);
    }
  }
  if (!any_good && first_error) throw *first_error;
}

bool has_several_lines(std::string_view text) {
  const std::size_t first = text.find('\n');
  return first != std::string_view::npos &&
         text.find_first_not_of(" \t\r\n", first) != std::string_view::npos;
}

}  // namespace

void scan_json(const nlohmann::ordered_json& document, const FindingHandler& on_finding,
               std::size_t line, InflateLimits limits) {
  std::uint64_t inflate_left = limits.per_input;
  Walker(on_finding, line, limits, inflate_left).walk_root(document);
}

void scan_text(std::string_view text, const FindingHandler& on_finding, BadLines bad_lines,
               InflateLimits limits) {
  Json document;
  try {
    document = parse_json<Json>(text);
  } catch (const Json::exception& e) {  // parse_error, and out_of_range for 1e400
    if (has_several_lines(text)) return scan_lines(text, on_finding, bad_lines, limits);
    throw Error(ErrorKind::InvalidInput, "input", "not JSON: " + json_error_reason(e));
  }
  for (Finding& finding : duplicate_key_findings(duplicate_keys(text, document))) on_finding(std::move(finding));
  scan_json(document, on_finding, 0, limits);
}

}  // namespace claimcheck
