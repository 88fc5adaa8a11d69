#include "gc_output.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/json_text.hpp"
#include "core/units.hpp"
#include "report_error.hpp"
#include "stdout_text.hpp"

namespace claimcheck::cli {
namespace {

/// Failed keys named on stderr; --json lists more.
constexpr std::size_t kMaxFailureLines = 10;

using nlohmann::ordered_json;

std::string bytes_text(std::uint64_t bytes) {
  return fmt::format("{} ({})", bytes, format_size(bytes));
}

ordered_json candidate_json(const GcCandidate& c) {
  return {{"key", c.key},
          {"stored_bytes", c.size},
          {"expires_at", format_rfc3339(c.expiry.expires_at)},
          {"expiry_from", expiry_source_name(c.expiry.source)}};
}

ordered_json upload_json(const IncompleteUpload& u) {
  return {{"key", u.key}, {"upload_id", u.upload_id}, {"initiated", format_rfc3339(u.initiated)}};
}

ordered_json failures_json(const GcSummary& s) {
  ordered_json list = ordered_json::array();
  for (const auto& [key, reason] : s.failures) list.push_back({{"key", key}, {"reason", reason}});
  return list;
}

}  // namespace

void print_candidate_line(const GcCandidate& c) {
  print_stdout(fmt::format("{}\t{}\t{}\t{}\n", c.key, c.size, format_rfc3339(c.expiry.expires_at),
                           expiry_source_name(c.expiry.source)));
}

void print_upload_line(const IncompleteUpload& u) {
  print_stdout(fmt::format("{}\t-\t{}\tincomplete upload {}\n", u.key, format_rfc3339(u.initiated), u.upload_id));
}

void print_summary_text(const GcReport& r) {
  const GcSummary& s = r.summary;
  const std::string where = r.options.prefix.empty()
                                ? std::string("at the root (the Go runner's and claimcheck's keys only)")
                                : fmt::format("under '{}'", r.options.prefix);
  std::string out = fmt::format("{} as of {} {} in {}\n", r.options.dry_run ? "gc dry run" : "gc",
                                format_rfc3339(r.options.as_of), where, r.store);
  out += fmt::format("  scanned:           {}\n", s.scanned);
  out += fmt::format("  expired:           {}\n", s.expired);
  out += fmt::format("  kept (referenced): {}\n", s.kept_referenced);
  if (r.options.dry_run) {
    out += fmt::format("  would delete:      {}\n", s.selected);
    out += fmt::format("  would free:        {}\n", bytes_text(s.selected_bytes));
  } else {
    out += fmt::format("  deleted:           {}\n", s.deleted);
    out += fmt::format("  bytes freed:       {}\n", bytes_text(s.bytes_freed));
    // A stop drops the batches no worker had begun: say so, or "deleted"
    // reads as all there was (--json has it as selected beside deleted).
    if (s.already_gone)
      out += fmt::format("  already gone:      {} (chosen, and removed by another run first)\n", s.already_gone);
    const std::uint64_t attempted = s.deleted + s.errors + s.already_gone;
    if (s.selected > attempted)
      out += fmt::format("  not deleted:       {} (chosen; the run stopped before their batch was sent)\n",
                         s.selected - attempted);
  }
  if (r.options.uploads_older_than)
    out += fmt::format("  incomplete uploads: {}, begun {} or more ago: {}, {}: {}\n", s.uploads_found,
                       format_duration(*r.options.uploads_older_than), s.uploads_stale,
                       r.options.dry_run ? "would abort" : "aborted", r.options.dry_run ? s.uploads_stale : s.uploads_aborted);
  out += fmt::format("  errors:            {}\n", s.errors + s.upload_errors);
  if (r.options.prefix.empty() || s.other_keys)
    out += fmt::format("  other keys:        {} (not a runner's key: never touched)\n", s.other_keys);
  if (s.outside_prefix) out += fmt::format("  outside prefix:    {} (listed by the store, skipped)\n", s.outside_prefix);
  if (s.limit_reached) out += fmt::format("  stopped at --limit {}\n", *r.options.limit);
  if (s.interrupted) out += "  interrupted: stopped after the batches in flight\n";
  // Else a cron log would show "errors: 0" beside a run that failed.
  if (s.listing_error) out += "  listing failed:    stopped there (the error is on stderr)\n";
  print_stdout(out);
}

void print_failures(const GcSummary& s) {
  std::vector<std::string> lines;
  for (const auto& [key, reason] : s.failures) lines.push_back(fmt::format("gc: delete {}: {}", key, reason));
  for (const auto& [upload, reason] : s.upload_failures)
    lines.push_back(fmt::format("gc: abort upload {} of {}: {}", upload.upload_id, upload.key, reason));
  const std::size_t shown = std::min(lines.size(), kMaxFailureLines);
  for (std::size_t i = 0; i < shown; ++i) print_error_line(lines[i]);
  const std::uint64_t failed = s.errors + s.upload_errors;
  if (failed > shown) print_error_line(fmt::format("gc: ... and {} more failed", failed - shown));
}

void print_json(const GcReport& r) {
  const GcSummary& s = r.summary;
  ordered_json out;
  out["dry_run"] = r.options.dry_run;
  out["as_of"] = format_rfc3339(r.options.as_of);
  out["store"] = r.store;
  out["prefix"] = r.options.prefix;
  out["scanned"] = s.scanned;
  out["expired"] = s.expired;
  out["kept_referenced"] = s.kept_referenced;
  out["selected"] = s.selected;
  out["selected_bytes"] = s.selected_bytes;
  out["deleted"] = s.deleted;
  out["bytes_freed"] = s.bytes_freed;
  out["errors"] = s.errors;
  out["already_gone"] = s.already_gone;
  out["uploads_found"] = s.uploads_found;
  out["uploads_stale"] = s.uploads_stale;
  out["uploads_aborted"] = s.uploads_aborted;
  out["upload_errors"] = s.upload_errors;
  out["outside_prefix"] = s.outside_prefix;
  out["other_keys"] = s.other_keys;
  out["limit_reached"] = s.limit_reached;
  out["interrupted"] = s.interrupted;
  out["deleted_keys"] = s.deleted_keys;
  out["deleted_keys_omitted"] = s.deleted - s.deleted_keys.size();
  out["failures"] = failures_json(s);
  out["failures_omitted"] = s.errors - s.failures.size();
  ordered_json upload_failures = ordered_json::array();
  for (const auto& [upload, reason] : s.upload_failures) {
    ordered_json entry = upload_json(upload);
    entry["reason"] = reason;
    upload_failures.push_back(std::move(entry));
  }
  out["upload_failures"] = std::move(upload_failures);
  out["error"] = s.listing_error ? ordered_json(s.listing_error->what()) : ordered_json(nullptr);
  if (r.options.dry_run) {
    ordered_json objects = ordered_json::array();
    for (const auto& c : r.objects) objects.push_back(candidate_json(c));
    out["objects"] = std::move(objects);
    ordered_json uploads = ordered_json::array();
    for (const auto& u : r.uploads) uploads.push_back(upload_json(u));
    out["uploads"] = std::move(uploads);
  }
  print_stdout(dump_json_text(out) + "\n");
}

std::string progress_text(const GcSummary& s, bool dry_run) {
  if (dry_run) return fmt::format("gc: scanned {}, would delete {}", s.scanned, s.selected);
  return fmt::format("gc: scanned {}, selected {}, deleted {}", s.scanned, s.selected, s.deleted);
}

}  // namespace claimcheck::cli
