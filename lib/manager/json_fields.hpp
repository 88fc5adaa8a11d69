// --json-fields: offload the large values of a JSON document in place (as
// the Go runner does for workflow state), and restore every reference found
// anywhere in a document.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "manager/json_spans.hpp"
#include "manager/manager.hpp"

namespace claimcheck {

struct FieldOffloadResult {
  std::size_t offloaded = 0;
  std::size_t kept = 0;
  /// Sections in scope ("." aside) that the document has no member for.
  std::vector<std::string> absent_sections;
  /// Sections whose value is not an object (nor a reference): nothing inside
  /// them was looked at (with "." in scope, they are top-level values instead).
  std::vector<std::string> non_object_sections;
};

/// Where offloading looks in a document.
struct FieldScope {
  /// The name that stands for the document's own top-level values.
  static constexpr const char* kTopLevel = ".";
  /// Top-level members whose values (when the member is an object) are
  /// offloaded. The default is the Go runner's: it offloads, and restores,
  /// only the values inside `data` and `context`.
  std::vector<std::string> sections{"data", "context"};
  /// depth > 1 descends further into nested objects.
  int depth = 1;
};

/// The values in `scope` whose compact JSON is >= threshold become references.
FieldOffloadResult offload_fields(nlohmann::ordered_json& document, Manager& manager,
                                  const OffloadOptions& options, const FieldScope& scope = {});

/// Every reference anywhere becomes its payload: JSON payloads as JSON, others
/// as a string. References are fetched `concurrency` at a time.
std::size_t restore_fields(nlohmann::ordered_json& document, Manager& manager,
                           int concurrency = 8);

/// The same on a document's text: only the offloaded values change, every
/// other byte (whitespace, number spelling, escapes) is kept. Each offloaded
/// value is stored as its exact bytes in `text`, so restoring gives the input
/// back byte for byte. Throws
/// Error(InvalidInput) when `text` is not a JSON object.
std::string offload_fields_text(std::string_view text, Manager& manager,
                                const OffloadOptions& options, const FieldScope& scope = {},
                                FieldOffloadResult* result = nullptr);

/// The same on a document's text (any JSON value, or JSON Lines: each line
/// restored in place): only the references change.
std::string restore_fields_text(std::string_view text, Manager& manager, int concurrency = 8,
                                std::size_t* restored = nullptr);

/// The original bytes of one reference, verified (Manager::retrieve, or a
/// cache in front of it).
using ReferenceFetcher = std::function<std::string(const Reference&)>;

/// What restoring a value made: its replacement text, and how many
/// references that restored.
struct RestoredValue {
  std::string text;
  std::size_t references = 1;
};

/// A value restore does not know itself (a Temporal payload that is a
/// reference, scanner/restore_fields): the function computing its
/// replacement (run on the restore's threads).
struct OtherReference {
  std::function<RestoredValue()> replacement;
  /// Values with the same non-empty identity restore to the same text: one
  /// is computed (one fetch), the others copy it.
  std::string identity;
  /// Where the text that `replacement` restores in turn sits in this value,
  /// for the place its errors name: "" (the value itself, a list), "/data"
  /// (a payload's data); nullopt: not said (the error names this value).
  std::optional<std::string> nested_at;
};

/// A failure to restore a value, naming where in the document the value is:
/// "at /data/f150: <what failed>: <why>", "line 3, at /data: ...".
class LocatedError : public Error {
 public:
  LocatedError(const Error& cause, std::size_t line, std::string pointer);
  const Error& cause() const { return cause_; }
  /// The JSON Pointer (RFC 6901), whole; the message shortens long ones.
  const std::string& pointer() const { return pointer_; }

 private:
  Error cause_;
  std::string pointer_;
};

/// An object or array the walk meets, before it searches inside.
struct WalkedValue {
  std::string_view text;
  const std::vector<MemberSpan>* members = nullptr;  // an object's; nullptr for an array
  std::string_view member_name;                      // the member it is the value of; "" in an array or on top
};

/// Given an object that is not a bare reference, or an array, nullopt when it
/// is none of those others either (it is then searched inside).
using OtherReferences = std::function<std::optional<OtherReference>(const WalkedValue& value)>;

/// Manager::retrieve of one reference, in memory.
ReferenceFetcher fetch_through(Manager& manager);

/// The same, fetching through `fetch` (called from `concurrency` threads),
/// and replacing what `others` recognises too.
std::string restore_fields_text(std::string_view text, const ReferenceFetcher& fetch,
                                int concurrency = 8, std::size_t* restored = nullptr,
                                const OtherReferences& others = {});

/// The references in a document's text, and what restoring them makes of
/// its size.
struct NestedReferences {
  std::vector<Reference> references;  // in document order
  std::uint64_t restored_size = 0;    // the text's size with each reference's text replaced by its size_bytes
};

/// Every reference in a document's text (or JSON Lines), without fetching
/// any; nullopt when `text` is not JSON (nor JSON Lines) or nests too deep
/// to walk. A malformed reference in it throws Error(InvalidInput), as
/// restoring it would.
std::optional<NestedReferences> references_in_text(std::string_view text);

}  // namespace claimcheck
