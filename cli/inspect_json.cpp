// `inspect --json`: one document, schema "claimcheck.inspect/v1". Fields are
// only ever added within v1; absent values are null, never omitted.
//
// {
//   "schema":   "claimcheck.inspect/v1",
//   "offline":  bool      true when --offline: nothing was looked up
//   "findings": [ one object per reference, in input order:
//     "source":       string  the input: a path, "-" (stdin) or "arg:N" (inline reference N)
//     "line":         int|null  1-based line for JSON Lines input, else null
//     "pointer":      string  JSON pointer to the reference ("" = the whole input); inside an
//                             encoded Temporal payload it goes on into the decoded data
//     "format":       string  claimcheck | go-runner | typescript | temporal-external-storage |
//                             temporal-external-storage-legacy | datadog-remote-codec-v2 |
//                             cookbook-claim-checked | aws-extended-client | unreadable (what
//                             could not be read: status invalid, "problems" says why)
//     "status":       string  ok | missing | corrupt | expired | foreign | invalid | unchecked | error |
//                             other-store (the reference names a store other than the configured one:
//                             not looked up; "problems" says which and the --store that reaches it)
//     "problems":     [string] why the status is not ok (empty when ok)
//     "key":          string  object key ("" when the format does not say)
//     "bucket":       string|null  bucket named by a foreign reference
//     "event":        object|null  Temporal history context:
//        {"id": string, "type": string (e.g. "ActivityTaskCompleted"),
//         "type_name": string|null (activity / workflow type, signal or marker name),
//         "field": string|null (e.g. "result", "input", "memo.order")}
//     "size_bytes":   int|null   original payload size
//     "stored_bytes": int|null   stored object size (reference, else the store's answer)
//     "ratio":        number|null  stored_bytes / size_bytes
//     "compressed":   bool|null  stored object is gzip
//     "sha256":       string|null  hex digest of the original payload
//     "stored_at":    string|null  RFC 3339
//     "expires_at":   string|null  RFC 3339: when gc may delete the object: from the key layout,
//                             else (once looked up) the object's last-modified time + the TTL
//                             (a reference's own expires_at is only a claim)
//     "seconds_left": int|null   until expires_at (negative once expired)
//     "object":       object|null  the store's answer, null when not looked up:
//        {"present": bool, "stored_size": int|null, "last_modified": string|null,
//         "original_size": int|null, "sha256": string|null, "compressed": bool|null}
//     "verified":     string|null  "sha256" or "size" when --verify checked the content
//     "url":          string|null  presigned GET URL (--url)
//     "temporal":     object|null  Temporal External Storage references: the claim's driver and
//                             what the SDK key layout says (null where the key does not say):
//        {"driver": string, "namespace", "workflow_type", "workflow_id", "activity_type",
//         "activity_id", "run_id": string|null}
//   ],
//   For temporal-external-storage references, "size_bytes" is externalPayloads.sizeBytes (the
//   stored payload's size), "sha256" the claim's hashValue (of the stored object; without one,
//   the hash its key ends with) and "stored_bytes" the size the store answered.
//   "summary": {"found", "ok", "missing", "corrupt", "expired", "foreign", "invalid",
//               "unchecked", "errors", "other_store"}: int each; found is the sum of the others
// }
#include <nlohmann/json.hpp>

#include "inspect_output.hpp"
#include "core/json_text.hpp"
#include "temporal/sdk_key.hpp"

namespace claimcheck::cli {
namespace {

using Json = nlohmann::ordered_json;

template <typename T>
Json or_null(const std::optional<T>& value) {
  return value ? Json(*value) : Json(nullptr);
}

Json text_or_null(const std::string& text) { return text.empty() ? Json(nullptr) : Json(text); }

Json time_or_null(const std::optional<TimePoint>& t) {
  return t ? Json(format_rfc3339(*t)) : Json(nullptr);
}

/// TypeScript references carry no stored_at.
std::optional<TimePoint> stored_at(const Inspection& item) {
  const auto& ref = item.finding.reference;
  if (!ref || ref->stored_at == TimePoint{}) return std::nullopt;
  return ref->stored_at;
}

Json event_json(const Finding& f) {
  if (f.event_id.empty() && f.event_type.empty()) return nullptr;
  return Json{{"id", f.event_id},
              {"type", f.event_type},
              {"type_name", text_or_null(f.type_name)},
              {"field", text_or_null(f.field)}};
}

Json object_json(const Inspection& item) {
  if (!item.looked_up) return nullptr;
  if (!item.object) return Json{{"present", false}, {"stored_size", nullptr},
                                {"last_modified", nullptr}, {"original_size", nullptr},
                                {"sha256", nullptr}, {"compressed", nullptr}};
  const ObjectInfo& o = *item.object;
  return Json{{"present", true},
              {"stored_size", o.stored_size},
              {"last_modified", format_rfc3339(o.last_modified)},
              {"original_size", or_null(o.meta.original_size)},
              {"sha256", or_null(o.meta.sha256)},
              {"compressed", or_null(o.meta.compressed)}};
}

std::optional<std::uint64_t> stored_bytes(const Inspection& item) {
  const auto& ref = item.finding.reference;
  if (ref && ref->stored_bytes) return ref->stored_bytes;
  if (item.object) return item.object->stored_size;
  return std::nullopt;
}

Json ratio(const Inspection& item) {
  if (item.finding.external) return nullptr;  // sizeBytes is the stored size: no original to compare
  auto stored = stored_bytes(item);
  const auto& size = item.finding.size;
  if (!stored || !size || *size == 0) return nullptr;
  return static_cast<double>(*stored) / static_cast<double>(*size);
}

Json seconds_left(const Inspection& item, TimePoint now) {
  if (!item.expires_at) return nullptr;
  return std::chrono::duration_cast<std::chrono::seconds>(*item.expires_at - now).count();
}

Json temporal_json(const Finding& f) {
  if (!f.external) return nullptr;
  Json out = {{"driver", f.external->driver_name}};
  const auto key = temporal::parse_sdk_key(f.external->key);
  auto put = [&](const char* name, const std::string temporal::SdkKey::*field) {
    out[name] = key ? text_or_null((*key).*field) : Json(nullptr);
  };
  put("namespace", &temporal::SdkKey::namespace_name);
  put("workflow_type", &temporal::SdkKey::workflow_type);
  put("workflow_id", &temporal::SdkKey::workflow_id);
  put("activity_type", &temporal::SdkKey::activity_type);
  put("activity_id", &temporal::SdkKey::activity_id);
  put("run_id", &temporal::SdkKey::run_id);
  return out;
}

Json finding_json(const Inspection& item, TimePoint now) {
  const Finding& f = item.finding;
  const auto& ref = f.reference;
  return Json{{"source", item.source},
              {"line", f.line ? Json(f.line) : Json(nullptr)},
              {"pointer", f.pointer},
              {"format", std::string(format_name(f.format))},
              {"status", std::string(status_name(item.status))},
              {"problems", item.problems},
              {"key", f.key},
              {"bucket", text_or_null(f.bucket)},
              {"event", event_json(f)},
              {"size_bytes", or_null(f.size)},
              {"stored_bytes", or_null(stored_bytes(item))},
              {"ratio", ratio(item)},
              {"compressed", ref ? Json(ref->compressed) : Json(nullptr)},
              {"sha256", text_or_null(f.sha256)},
              {"stored_at", time_or_null(stored_at(item))},
              {"expires_at", time_or_null(item.expires_at)},
              {"seconds_left", seconds_left(item, now)},
              {"object", object_json(item)},
              {"verified", text_or_null(item.verified)},
              {"url", text_or_null(item.url)},
              {"temporal", temporal_json(f)}};
}

Json summary_json(const InspectSummary& s) {
  return Json{{"found", s.found},     {"ok", s.ok},           {"missing", s.missing},
              {"corrupt", s.corrupt}, {"expired", s.expired}, {"foreign", s.foreign},
              {"invalid", s.invalid}, {"unchecked", s.unchecked}, {"errors", s.errors},
              {"other_store", s.other_store}};
}

}  // namespace

std::string inspect_json(const InspectReport& report) {
  Json findings = Json::array();
  for (const auto& item : report.items) findings.push_back(finding_json(item, report.now));
  Json document = {{"schema", "claimcheck.inspect/v1"},
                   {"offline", report.offline},
                   {"findings", std::move(findings)},
                   {"summary", summary_json(report.summary)}};
  // Keys come from untrusted input: replace invalid UTF-8 rather than fail.
  return dump_json_text(document, 2) + "\n";
}

}  // namespace claimcheck::cli
