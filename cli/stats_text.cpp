#include "stats_text.hpp"

#include <fmt/format.h>

#include "core/units.hpp"

namespace claimcheck::cli {
namespace {

std::string count_bytes(const CountBytes& cb) {
  return fmt::format("{:>8} {:<7}  {:>12}", cb.objects, cb.objects == 1 ? "object" : "objects", format_size(cb.bytes));
}

std::string mark_text(const std::optional<ObjectMark>& mark) {
  return mark ? fmt::format("{}  {}", format_rfc3339(mark->last_modified), mark->key) : "-";
}

std::string latency_text(const LatencySummary& l) {
  if (l.count == 0) return "no samples";
  return fmt::format("mean {:.1f}  p50 {:.1f}  p95 {:.1f}  p99 {:.1f}  max {:.1f}  ({} samples)", l.mean, l.p50,
                     l.p95, l.p99, l.max, l.count);
}

std::string storage_text(const StorageStats& s) {
  std::string out = "Storage (from a listing)\n";
  out += fmt::format("  stored                {}\n", count_bytes(s.total));
  out += fmt::format("    expiry from key     {}\n", count_bytes(s.with_key_expiry));
  out += fmt::format("    expiry from TTL     {}\n", count_bytes(s.with_ttl_expiry));
  if (s.other_keys.objects)
    out += fmt::format("  other keys (ignored)  {}\n", count_bytes(s.other_keys));
  out += fmt::format("  expired               {}\n", count_bytes(s.expired));
  out += fmt::format("  expiring within 1d    {}\n", count_bytes(s.expiring_1d));
  out += fmt::format("  expiring within 7d    {}\n", count_bytes(s.expiring_7d));
  out += fmt::format("  expiring within 30d   {}\n", count_bytes(s.expiring_30d));
  out += fmt::format("  age <1d               {}\n", count_bytes(s.age_under_1d));
  out += fmt::format("  age 1-7d              {}\n", count_bytes(s.age_1d_to_7d));
  out += fmt::format("  age 7-30d             {}\n", count_bytes(s.age_7d_to_30d));
  out += fmt::format("  age >30d              {}\n", count_bytes(s.age_over_30d));
  out += fmt::format("  oldest                {}\n", mark_text(s.oldest));
  out += fmt::format("  newest                {}\n", mark_text(s.newest));
  out += "  original bytes        unknown (a listing does not carry original sizes)\n";
  out += "  compression savings   unknown\n";
  return out;
}

std::string errors_text(const OperationsStats& o) {
  if (o.errors_by_exit_code.empty()) return "none";
  std::string out;
  for (const auto& [code, count] : o.errors_by_exit_code)
    out += fmt::format("{}exit {}: {}", out.empty() ? "" : ", ", code, count);
  return out;
}

std::string operations_text(const OperationsStats& o) {
  std::string out = "Operations (from this machine's journal, for this store)\n";
  out += fmt::format("  records               {}\n", o.records);
  out += fmt::format("  offloads              {} ({} compressed)\n", o.offloads, o.compressed_offloads);
  out += fmt::format("  retrievals            {}\n", o.retrievals);
  out += fmt::format("  pass-throughs         {}\n", o.passthroughs);
  out += fmt::format("  bytes in (offloaded)  {}\n", format_size(o.bytes_in));
  out += fmt::format("  bytes stored          {}\n", format_size(o.bytes_stored));
  out += fmt::format("  bytes out (retrieved) {}\n", format_size(o.bytes_out));
  out += fmt::format("  compression ratio     {}\n",
                     o.compression_ratio ? fmt::format("{:.3f}", *o.compression_ratio) : std::string("-"));
  out += fmt::format("  upload latency ms     {}\n", latency_text(o.upload));
  out += fmt::format("  download latency ms   {}\n", latency_text(o.download));
  out += fmt::format("  errors                {}\n", errors_text(o));
  if (o.bad_lines) out += fmt::format("  unreadable journal lines: {}\n", o.bad_lines);
  return out;
}

}  // namespace

std::string stats_to_text(const StatsReport& report) {
  // The prefix bounds the listing only: the journal's view is of the whole store.
  const bool listed = report.storage || report.storage_error;
  std::string out = fmt::format("claimcheck stats as of {}{}{}\n", format_rfc3339(report.as_of),
                                listed ? fmt::format(", prefix '{}'", report.prefix) : "",
                                report.store.empty() ? "" : " in " + report.store);
  if (report.since) out += fmt::format("journal records since {}\n", format_rfc3339(*report.since));
  // appended piecewise: `"\n" + text` trips g++ 12's -Wrestrict false positive
  if (report.storage) out.append("\n").append(storage_text(*report.storage));
  if (report.storage_error) out.append("\nStorage: not available: ").append(*report.storage_error).append("\n");
  if (report.operations) out.append("\n").append(operations_text(*report.operations));
  if (report.operations_error)
    out.append("\nOperations: not available: ").append(*report.operations_error).append("\n");
  return out;
}

}  // namespace claimcheck::cli
