#include "gc_stats/stats_output.hpp"

namespace claimcheck {

namespace {

using nlohmann::ordered_json;

ordered_json count_bytes(const CountBytes& value) {
  return {{"objects", value.objects}, {"bytes", value.bytes}};
}

ordered_json mark(const std::optional<ObjectMark>& value) {
  if (!value) return nullptr;
  return {{"key", value->key}, {"last_modified", format_rfc3339(value->last_modified)}};
}

ordered_json storage_json(const StorageStats& s) {
  ordered_json out;
  out["objects"] = s.total.objects;
  out["stored_bytes"] = s.total.bytes;
  out["expiry_from_key"] = count_bytes(s.with_key_expiry);
  out["expiry_from_ttl"] = count_bytes(s.with_ttl_expiry);
  out["other_keys"] = count_bytes(s.other_keys);  // as gc's: not counted
  out["expired"] = count_bytes(s.expired);
  out["expiring"] = {{"1d", count_bytes(s.expiring_1d)},
                     {"7d", count_bytes(s.expiring_7d)},
                     {"30d", count_bytes(s.expiring_30d)}};
  out["age"] = {{"<1d", count_bytes(s.age_under_1d)},
                {"1-7d", count_bytes(s.age_1d_to_7d)},
                {"7-30d", count_bytes(s.age_7d_to_30d)},
                {">30d", count_bytes(s.age_over_30d)}};
  out["oldest"] = mark(s.oldest);
  out["newest"] = mark(s.newest);
  // A listing does not tell original sizes: unknown rather than a guess.
  out["original_bytes"] = nullptr;
  out["compression_savings"] = nullptr;
  return out;
}

ordered_json latency_json(const LatencySummary& l) {
  if (l.count == 0) return {{"count", 0}};
  return {{"count", l.count}, {"mean", l.mean}, {"p50", l.p50}, {"p95", l.p95},
          {"p99", l.p99},     {"max", l.max}};
}

ordered_json optional_time(const std::optional<TimePoint>& t) {
  return t ? ordered_json(format_rfc3339(*t)) : ordered_json(nullptr);
}

ordered_json operations_json(const OperationsStats& o) {
  ordered_json out;
  out["records"] = o.records;
  out["first"] = optional_time(o.first);
  out["last"] = optional_time(o.last);
  out["offloads"] = o.offloads;
  out["compressed_offloads"] = o.compressed_offloads;
  out["retrievals"] = o.retrievals;
  out["passthroughs"] = o.passthroughs;
  out["bytes_in"] = o.bytes_in;
  out["bytes_stored"] = o.bytes_stored;
  out["bytes_out"] = o.bytes_out;
  out["passthrough_bytes"] = o.passthrough_bytes;
  out["compression_ratio"] = o.compression_ratio ? ordered_json(*o.compression_ratio) : ordered_json(nullptr);
  out["upload_latency_ms"] = latency_json(o.upload);
  out["download_latency_ms"] = latency_json(o.download);
  ordered_json errors = ordered_json::object();
  for (const auto& [code, count] : o.errors_by_exit_code) errors[std::to_string(code)] = count;
  out["errors_by_exit_code"] = errors;
  out["bad_journal_lines"] = o.bad_lines;
  return out;
}

ordered_json mean_or_null(const LatencySummary& l) {
  return l.count ? ordered_json(l.mean) : ordered_json(nullptr);
}

/// The Go runner's five metrics, under its names.
void add_seed_metrics(const StatsReport& report, ordered_json& out) {
  const auto& ops = report.operations;
  out["OffloadCount"] = ops ? ordered_json(ops->offloads) : ordered_json(nullptr);
  out["RetrievalCount"] = ops ? ordered_json(ops->retrievals) : ordered_json(nullptr);
  if (report.storage) {
    out["TotalBytesStored"] = report.storage->total.bytes;
    out["TotalBytesStoredSource"] = "storage";
  } else if (ops) {
    out["TotalBytesStored"] = ops->bytes_stored;
    out["TotalBytesStoredSource"] = "journal";
  } else {
    out["TotalBytesStored"] = nullptr;
    out["TotalBytesStoredSource"] = nullptr;
  }
  out["AvgUploadLatencyMS"] = ops ? mean_or_null(ops->upload) : ordered_json(nullptr);
  out["AvgDownloadLatencyMS"] = ops ? mean_or_null(ops->download) : ordered_json(nullptr);
}

}  // namespace

ordered_json stats_to_json(const StatsReport& report) {
  ordered_json out;
  add_seed_metrics(report, out);
  out["as_of"] = format_rfc3339(report.as_of);
  out["store"] = report.store;
  out["prefix"] = report.prefix;
  out["since"] = optional_time(report.since);
  out["storage"] = report.storage ? storage_json(*report.storage) : ordered_json(nullptr);
  out["storage_error"] = report.storage_error ? ordered_json(*report.storage_error) : ordered_json(nullptr);
  out["operations"] = report.operations ? operations_json(*report.operations) : ordered_json(nullptr);
  out["operations_error"] =
      report.operations_error ? ordered_json(*report.operations_error) : ordered_json(nullptr);
  return out;
}

}  // namespace claimcheck
