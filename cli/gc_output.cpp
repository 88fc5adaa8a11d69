#include "gc_output.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/units.hpp"
#include "report_error.hpp"
#include "stdout_text.hpp"

namespace claimcheck::cli {
namespace {

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

void print_summary_text(const GcReport& r) {
  const GcSummary& s = r.summary;
  std::string out = fmt::format("{} as of {} under '{}' in {}\n", r.options.dry_run ? "gc dry run" : "gc",
                                format_rfc3339(r.options.as_of), r.options.prefix, r.store);
  out += fmt::format("  scanned:           {}\n", s.scanned);
  out += fmt::format("  expired:           {}\n", s.expired);
  out += fmt::format("  kept (referenced): {}\n", s.kept_referenced);
  if (r.options.dry_run) {
    out += fmt::format("  would delete:      {}\n", s.selected);
    out += fmt::format("  would free:        {}\n", bytes_text(s.selected_bytes));
  } else {
    out += fmt::format("  deleted:           {}\n", s.deleted);
    out += fmt::format("  bytes freed:       {}\n", bytes_text(s.bytes_freed));
  }
  out += fmt::format("  errors:            {}\n", s.errors);
  if (s.outside_prefix) out += fmt::format("  outside prefix:    {} (listed by the store, skipped)\n", s.outside_prefix);
  if (s.limit_reached) out += fmt::format("  stopped at --limit {}\n", *r.options.limit);
  if (s.interrupted) out += "  interrupted: stopped after the batches in flight\n";
  print_stdout(out);
}

void print_failures(const GcSummary& s) {
  for (const auto& [key, reason] : s.failures) print_error_line(fmt::format("gc: delete {}: {}", key, reason));
  if (s.errors > s.failures.size())
    print_error_line(fmt::format("gc: ... and {} more keys could not be deleted", s.errors - s.failures.size()));
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
  out["outside_prefix"] = s.outside_prefix;
  out["limit_reached"] = s.limit_reached;
  out["interrupted"] = s.interrupted;
  out["failures"] = failures_json(s);
  out["error"] = s.listing_error ? ordered_json(s.listing_error->what()) : ordered_json(nullptr);
  if (r.options.dry_run) {
    ordered_json objects = ordered_json::array();
    for (const auto& c : r.objects) objects.push_back(candidate_json(c));
    out["objects"] = std::move(objects);
  }
  print_stdout(out.dump(2) + "\n");
}

std::string progress_text(const GcSummary& s, bool dry_run) {
  if (dry_run) return fmt::format("gc: scanned {}, would delete {}", s.scanned, s.selected);
  return fmt::format("gc: scanned {}, selected {}, deleted {}", s.scanned, s.selected, s.deleted);
}

}  // namespace claimcheck::cli
