// Settles the status of each finding: prepared without I/O, then looked up
// in the store by a small pool of threads (HEADs are latency-bound).
#include "scanner/inspect.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "core/error.hpp"
#include "core/shared_work.hpp"
#include "gc_stats/expiry.hpp"
#include "reference/keys.hpp"
#include "scanner/inspect_checks.hpp"

namespace claimcheck {
namespace {

bool needs_lookup(const Inspection& item) {
  return (item.finding.reference || item.finding.external) &&
         (item.status == CheckStatus::Unchecked || item.status == CheckStatus::Expired);
}

bool is_expired(const Inspection& item, TimePoint now) {
  return item.expires_at && *item.expires_at <= now;
}

/// When gc would delete `object`: never for a key it never touches (at the
/// root, one that is not a runner's; one no request may name), else by the
/// key's expiry or LastModified + TTL.
std::optional<TimePoint> gc_expiry(const ObjectInfo& object, std::chrono::seconds ttl) {
  if (is_other_key(object.key, object.key.find('/') == std::string::npos)) return std::nullopt;
  return object_expiry(object, ttl).expires_at;
}

/// Corrupt beats everything; an expired reference whose object is gone is
/// expected (gc collected it), so it stays Expired rather than Missing.
CheckStatus settle(const Inspection& item, bool corrupt, bool missing, TimePoint now) {
  if (corrupt) return CheckStatus::Corrupt;
  if (is_expired(item, now)) return CheckStatus::Expired;
  return missing ? CheckStatus::Missing : CheckStatus::Ok;
}

void record_content_check(Inspection& item, const inspect::ContentCheck& check, bool& corrupt, bool& missing) {
  using Outcome = inspect::ContentCheck::Outcome;
  if (check.outcome == Outcome::Verified) item.verified = check.how;
  if (check.outcome == Outcome::Corrupt) corrupt = true;
  if (check.outcome == Outcome::Missing) missing = true;
  if (check.outcome == Outcome::StoreError) throw Error(ErrorKind::Store, "verify", check.error);
  if (!check.error.empty()) item.problems.push_back("content check failed: " + check.error);
}

void verify_content(Inspection& item, Store& store, bool& corrupt, bool& missing) {
  record_content_check(item, inspect::check_content(store, *item.finding.reference), corrupt, missing);
}

/// Why `item` is not where inspect may look, said without a request: a
/// reference to a store other than `store_location` (when one is
/// configured), an External Storage claim in a bucket not configured.
std::optional<std::string> elsewhere(const Inspection& item, const std::string& store_location,
                                     const BucketStores& buckets) {
  if (item.finding.external) {
    const std::string& bucket = item.finding.external->bucket;
    if (buckets.allows(bucket)) return std::nullopt;
    const Error refusal = bucket_refusal(bucket, buckets.allowed_list());
    return refusal.what_failed() + ": " + refusal.why();
  }
  if (!item.finding.reference || store_location.empty()) return std::nullopt;
  return store_mismatch(*item.finding.reference, store_location);
}

/// Not the reference's fault (retrieve still refuses it): reported, never
/// contacted. True when `item` is elsewhere.
bool settle_elsewhere(Inspection& item, const std::string& store_location, const BucketStores& buckets,
                      TimePoint now) {
  auto why = elsewhere(item, store_location, buckets);
  if (!why) return false;
  item.problems.push_back(*why);
  if (!is_expired(item, now)) item.status = CheckStatus::OtherStore;
  return true;
}

/// An External Storage reference: only in a configured bucket; its object is
/// the stored Payload, whose size the reference gives.
void check_external(Inspection& item, BucketStores& buckets, const InspectOptions& options, TimePoint now) {
  const temporal::ExternalStorageReference& ref = *item.finding.external;
  if (settle_elsewhere(item, {}, buckets, now)) return;
  Store* store = &buckets.store_for(ref.bucket);
  item.object = store->head(ref.key);
  item.looked_up = true;
  if (options.url_lifetime && item.object) item.url = store->fetch_url(ref.key, *options.url_lifetime);
  if (item.object) item.expires_at = gc_expiry(*item.object, options.ttl);
  bool missing = !item.object;
  bool corrupt = false;
  if (item.object) {
    if (auto problem = inspect::external_size_problem(ref, *item.object)) {
      corrupt = true;
      item.problems.push_back(*problem);
    }
    if (options.verify && !corrupt) {
      auto check = inspect::check_external_content(buckets, ref);
      record_content_check(item, check, corrupt, missing);
    }
  }
  item.status = settle(item, corrupt, missing, now);
}

void check_one(Inspection& item, Store& store, BucketStores& buckets, const InspectOptions& options,
               TimePoint now) {
  if (item.finding.external) return check_external(item, buckets, options, now);
  const Reference& ref = *item.finding.reference;
  // Looking it up here would report it missing when it is not (retrieve refuses it the same way).
  if (settle_elsewhere(item, store.location(), buckets, now)) return;
  item.object = store.head(ref.key);
  item.looked_up = true;
  // A link is only worth giving for an object that is there.
  if (options.url_lifetime && item.object)
    item.url = store.fetch_url(ref.key, *options.url_lifetime, response_overrides(ref));
  if (!item.expires_at && item.object) item.expires_at = gc_expiry(*item.object, options.ttl);
  bool missing = !item.object;
  bool corrupt = false;
  if (item.object) {
    auto problems = inspect::metadata_problems(ref, *item.object);
    corrupt = !problems.empty();
    item.problems = std::move(problems);
    if (options.verify && !corrupt) verify_content(item, store, corrupt, missing);
  }
  item.status = settle(item, corrupt, missing, now);
  if (item.status == CheckStatus::Missing && ref.expires_at && *ref.expires_at <= now)
    item.problems.push_back("the reference says it expired at " + format_rfc3339(*ref.expires_at) + ", but " +
                            (item.expires_at ? "its key keeps the object until " + format_rfc3339(*item.expires_at) +
                                                   ", and gc goes by the key"
                                             : std::string("gc goes by the object's last-modified time + the TTL "
                                                           "for a key without an expiry")));
}

/// What a lookup depends on: the reference as a whole (its fields decide the
/// store, the checks and the link) or the External Storage claim.
std::string lookup_identity(const Inspection& item) {
  if (item.finding.external) return temporal::fetch_identity(*item.finding.external);
  return "reference\n" + std::to_string(static_cast<int>(item.finding.reference->format)) + "\n" +
         to_json(*item.finding.reference) + "\n" + std::to_string(static_cast<int>(item.status));
}

/// A repeat of a reference takes the outcome of the lookup made for its first
/// occurrence; where it was found stays its own.
void take_outcome(Inspection& item, const Inspection& checked) {
  item.status = checked.status;
  item.problems = checked.problems;
  item.object = checked.object;
  item.looked_up = checked.looked_up;
  item.expires_at = checked.expires_at;
  item.verified = checked.verified;
  item.url = checked.url;
}

void check_guarded(Inspection& item, Store& store, BucketStores& buckets, const InspectOptions& options,
                   TimePoint now) {
  try {
    check_one(item, store, buckets, options, now);
  } catch (const Error& e) {
    // A setting that cannot be used (a CA bundle that is not there) is no
    // one reference's: inspect stops with it (exit 2), as other commands do;
    // so does a limit of this process's (open files: exit 1).
    if (e.kind() == ErrorKind::Usage || e.kind() == ErrorKind::Internal) throw;
    // A key the store refuses (a local store's reserved name or symbolic
    // link) is the reference's fault, as retrieve says (exit 3), not the
    // store's; what the store holds for it being damaged (a local store's
    // metadata sidecar) is corruption (5), not the store failing to answer.
    item.status = e.kind() == ErrorKind::InvalidInput ? CheckStatus::Invalid
                  : e.kind() == ErrorKind::Integrity  ? CheckStatus::Corrupt
                                                      : CheckStatus::StoreError;
    item.problems.push_back(e.what_failed() + ": " + e.why());
  } catch (const std::exception& e) {
    item.status = CheckStatus::StoreError;
    item.problems.push_back(e.what());
  }
}

}  // namespace

std::string_view status_name(CheckStatus status) {
  switch (status) {
    case CheckStatus::Ok: return "ok";
    case CheckStatus::Missing: return "missing";
    case CheckStatus::Corrupt: return "corrupt";
    case CheckStatus::Expired: return "expired";
    case CheckStatus::Foreign: return "foreign";
    case CheckStatus::Invalid: return "invalid";
    case CheckStatus::Unchecked: return "unchecked";
    case CheckStatus::StoreError: return "error";
    case CheckStatus::OtherStore: return "other-store";
  }
  return "unknown";
}

Inspection prepare_inspection(Finding finding, std::string source, TimePoint now) {
  Inspection item;
  item.source = std::move(source);
  // gc's own reading, so that "expired (object gone)" means gc could have
  // taken it: the key's expiry, else (once looked up) LastModified + TTL; a
  // reference's expires_at is only a claim.
  if (finding.reference) item.expires_at = expiry_from_key(finding.reference->key);
  if (finding.error) {
    item.status = CheckStatus::Invalid;
    item.problems.push_back(*finding.error);
  } else if (!is_fetchable(finding.format) || (!finding.reference && !finding.external)) {
    item.status = CheckStatus::Foreign;
  } else {
    item.status = is_expired(item, now) ? CheckStatus::Expired : CheckStatus::Unchecked;
  }
  item.finding = std::move(finding);
  return item;
}

std::size_t lookups_needed(const std::vector<Inspection>& inspections) {
  return static_cast<std::size_t>(std::count_if(inspections.begin(), inspections.end(), needs_lookup));
}

void check_inspections(std::vector<Inspection>& inspections, Store& store, BucketStores& buckets,
                       const InspectOptions& options, TimePoint now) {
  // One lookup per distinct reference: a history that passes one payload to
  // many activities holds its reference as often (6,502 references to 23
  // objects made 4,502 HEADs and, with --verify, 4,002 GETs).
  std::vector<Inspection*> pending;
  std::vector<std::pair<Inspection*, const Inspection*>> repeats;  // (item, the one looked up for it)
  std::unordered_map<std::string, Inspection*> first_of;
  for (auto& item : inspections) {
    if (!needs_lookup(item)) continue;
    const auto [it, inserted] = first_of.emplace(lookup_identity(item), &item);
    if (inserted) pending.push_back(&item);
    else repeats.emplace_back(&item, it->second);
  }
  std::atomic<std::size_t> next{0};
  std::mutex first_error_mutex;
  std::optional<Error> first_error;  // one that stops inspect (check_guarded)
  auto worker = [&] {
    try {
      for (std::size_t i = next++; i < pending.size(); i = next++)
        check_guarded(*pending[i], store, buckets, options, now);
    } catch (const Error& e) {
      next = pending.size();  // the other workers stop after their current one
      std::lock_guard lock(first_error_mutex);
      if (!first_error) first_error = e;
    }
  };
  const std::size_t threads =
      std::min<std::size_t>(pending.size(), static_cast<std::size_t>(std::max(1, options.concurrency)));
  run_on_threads(threads, worker);
  if (first_error) throw *first_error;
  for (auto [item, checked] : repeats) take_outcome(*item, *checked);
}

ResponseOverrides response_overrides(const Reference& ref) {
  ResponseOverrides response;
  response.content_type = ref.content_type.value_or("application/octet-stream");
  if (ref.compressed) response.content_encoding = "gzip";
  std::string name = ref.key.substr(ref.key.rfind('/') + 1);  // rfind npos + 1 == 0
  for (char& c : name)
    if (c == '"' || c == '\\' || static_cast<unsigned char>(c) >= 0x80) c = '_';
  response.content_disposition = "attachment; filename=\"" + name + "\"";
  return response;
}

void settle_offline(std::vector<Inspection>& inspections, const std::string& store_location,
                    const BucketStores& buckets, TimePoint now) {
  for (Inspection& item : inspections)
    if (needs_lookup(item)) settle_elsewhere(item, store_location, buckets, now);
}

void presign_inspections(std::vector<Inspection>& inspections, Store& store, BucketStores& buckets,
                         const InspectOptions& options) {
  if (!options.url_lifetime) return;
  for (Inspection& item : inspections) {
    if (!is_fetchable(item.finding.format) || item.finding.error) continue;
    // Only where the user configured, as online: settle_offline said why not.
    if (elsewhere(item, store.location(), buckets)) continue;
    try {
      if (item.finding.external) {
        const temporal::ExternalStorageReference& ref = *item.finding.external;
        item.url = buckets.store_for(ref.bucket).fetch_url(ref.key, *options.url_lifetime);
        continue;
      }
      if (!item.finding.reference) continue;
      const Reference& ref = *item.finding.reference;
      item.url = store.fetch_url(ref.key, *options.url_lifetime, response_overrides(ref));
    } catch (const Error& e) {
      // As online: a setting that cannot be used stops inspect (exit 2); a
      // credential provider that fails is the store failing to answer (6),
      // not a fine reference without its link.
      if (e.kind() == ErrorKind::Usage || e.kind() == ErrorKind::Internal) throw;
      item.status = CheckStatus::StoreError;
      item.problems.push_back("no URL: " + e.why());
    }
  }
}

InspectSummary summarize(const std::vector<Inspection>& inspections) {
  InspectSummary s;
  s.found = inspections.size();
  for (const auto& item : inspections) {
    switch (item.status) {
      case CheckStatus::Ok: ++s.ok; break;
      case CheckStatus::Missing: ++s.missing; break;
      case CheckStatus::Corrupt: ++s.corrupt; break;
      case CheckStatus::Expired: ++s.expired; break;
      case CheckStatus::Foreign: ++s.foreign; break;
      case CheckStatus::Invalid: ++s.invalid; break;
      case CheckStatus::Unchecked: ++s.unchecked; break;
      case CheckStatus::StoreError: ++s.errors; break;
      case CheckStatus::OtherStore: ++s.other_store; break;
    }
  }
  return s;
}

int inspect_exit_code(const InspectSummary& summary) {
  if (summary.corrupt) return exit_code(ErrorKind::Integrity);
  if (summary.missing) return exit_code(ErrorKind::NotFound);
  if (summary.errors) return exit_code(ErrorKind::Store);
  if (summary.invalid) return exit_code(ErrorKind::InvalidInput);
  return 0;
}

}  // namespace claimcheck
