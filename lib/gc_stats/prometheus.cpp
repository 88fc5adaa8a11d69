// `stats --prometheus`: the Prometheus text exposition format (version 0.0.4).
// Each family gets HELP and TYPE before its samples; label values and HELP
// text are escaped as the format requires; latencies are summaries in seconds.
#include <chrono>
#include <cmath>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "gc_stats/stats_output.hpp"

namespace claimcheck {

namespace {

using Labels = std::vector<std::pair<std::string, std::string>>;

std::string escape(const std::string& text, bool quote) {
  std::string out;
  for (char c : text) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (quote && c == '"') out += "\\\"";
    else out += c;
  }
  return out;
}

std::string format_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", value);
}

class Exposition {
 public:
  void family(const std::string& name, const char* type, const std::string& help) {
    out_ += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, escape(help, false), name, type);
  }
  void sample(const std::string& name, double value, const Labels& labels = {}) {
    out_ += name;
    if (!labels.empty()) {
      out_ += '{';
      for (std::size_t i = 0; i < labels.size(); ++i) {
        if (i) out_ += ',';
        out_ += fmt::format("{}=\"{}\"", labels[i].first, escape(labels[i].second, true));
      }
      out_ += '}';
    }
    out_ += ' ' + format_value(value) + '\n';
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

double as_double(std::uint64_t n) { return static_cast<double>(n); }

double unix_seconds(TimePoint t) {
  return as_double(static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count()));
}

void gauge(Exposition& e, const std::string& name, const std::string& help, double value) {
  e.family(name, "gauge", help);
  e.sample(name, value);
}

void counter(Exposition& e, const std::string& name, const std::string& help, double value) {
  e.family(name, "counter", help);
  e.sample(name, value);
}

void labelled_pair(Exposition& e, const std::string& base, const std::string& what,
                   const std::string& label,
                   const std::vector<std::pair<std::string, const CountBytes*>>& rows) {
  e.family(base + "_objects", "gauge", "Objects stored under the prefix, by " + what + ".");
  for (const auto& [value, cb] : rows) e.sample(base + "_objects", as_double(cb->objects), {{label, value}});
  e.family(base + "_bytes", "gauge", "Bytes stored under the prefix, by " + what + ".");
  for (const auto& [value, cb] : rows) e.sample(base + "_bytes", as_double(cb->bytes), {{label, value}});
}

void storage_metrics(Exposition& e, const StorageStats& s) {
  gauge(e, "claimcheck_storage_objects", "Objects stored under the prefix.", as_double(s.total.objects));
  gauge(e, "claimcheck_storage_bytes", "Bytes stored under the prefix (as stored).", as_double(s.total.bytes));
  gauge(e, "claimcheck_storage_other_objects",
        "Objects at the store's root that are no runner's (empty prefix only): not counted elsewhere.",
        as_double(s.other_keys.objects));
  gauge(e, "claimcheck_storage_expired_objects", "Objects whose expiry has passed.", as_double(s.expired.objects));
  gauge(e, "claimcheck_storage_expired_bytes", "Bytes of objects whose expiry has passed.", as_double(s.expired.bytes));
  labelled_pair(e, "claimcheck_storage_expiring", "expiry window (not yet expired, cumulative)", "within",
                {{"1d", &s.expiring_1d}, {"7d", &s.expiring_7d}, {"30d", &s.expiring_30d}});
  labelled_pair(e, "claimcheck_storage_age", "age since last modified", "age",
                {{"lt_1d", &s.age_under_1d}, {"1d_7d", &s.age_1d_to_7d},
                 {"7d_30d", &s.age_7d_to_30d}, {"gt_30d", &s.age_over_30d}});
  if (s.oldest)
    gauge(e, "claimcheck_storage_oldest_object_timestamp_seconds", "Last modified time of the oldest object.",
          unix_seconds(s.oldest->last_modified));
  if (s.newest)
    gauge(e, "claimcheck_storage_newest_object_timestamp_seconds", "Last modified time of the newest object.",
          unix_seconds(s.newest->last_modified));
}

void latency_summary(Exposition& e, const std::string& name, const std::string& help, const LatencySummary& l) {
  e.family(name, "summary", help);
  const double nan = std::nan("");
  const std::pair<const char*, double> quantiles[] = {{"0.5", l.p50}, {"0.95", l.p95}, {"0.99", l.p99}};
  for (const auto& [q, ms] : quantiles) e.sample(name, l.count ? ms / 1000.0 : nan, {{"quantile", q}});
  e.sample(name + "_sum", l.sum / 1000.0);
  e.sample(name + "_count", as_double(l.count));
}

void operations_metrics(Exposition& e, const OperationsStats& o) {
  e.family("claimcheck_operations_total", "counter", "Successful operations recorded in the journal.");
  e.sample("claimcheck_operations_total", as_double(o.offloads), {{"op", "offload"}});
  e.sample("claimcheck_operations_total", as_double(o.retrievals), {{"op", "retrieve"}});
  e.sample("claimcheck_operations_total", as_double(o.passthroughs), {{"op", "passthrough"}});
  counter(e, "claimcheck_offload_original_bytes_total", "Original bytes of offloaded payloads.", as_double(o.bytes_in));
  counter(e, "claimcheck_offload_stored_bytes_total", "Stored bytes of offloaded payloads.", as_double(o.bytes_stored));
  counter(e, "claimcheck_retrieved_bytes_total", "Bytes of retrieved payloads.", as_double(o.bytes_out));
  counter(e, "claimcheck_passthrough_bytes_total", "Bytes passed through unchanged.", as_double(o.passthrough_bytes));
  if (o.compression_ratio)
    gauge(e, "claimcheck_compression_ratio", "Stored bytes / original bytes over offloads.", *o.compression_ratio);
  latency_summary(e, "claimcheck_upload_latency_seconds", "Store upload time of offloads.", o.upload);
  latency_summary(e, "claimcheck_download_latency_seconds", "Store download time of retrievals.", o.download);
  e.family("claimcheck_errors_total", "counter", "Failed operations by exit code.");
  for (const auto& [code, count] : o.errors_by_exit_code)
    e.sample("claimcheck_errors_total", as_double(count), {{"exit_code", std::to_string(code)}});
  gauge(e, "claimcheck_journal_bad_lines", "Journal lines that could not be parsed.", as_double(o.bad_lines));
}

}  // namespace

std::string stats_to_prometheus(const StatsReport& report) {
  Exposition e;
  // Present whenever the view was asked for, so an alert can tell a failed
  // scrape from an empty store or journal.
  if (report.storage || report.storage_error)
    gauge(e, "claimcheck_storage_scrape_success", "1 when the store was listed, 0 when it could not be.",
          report.storage ? 1 : 0);
  if (report.operations || report.operations_error)
    gauge(e, "claimcheck_journal_read_success", "1 when the journal was read, 0 when it could not be.",
          report.operations ? 1 : 0);
  if (report.storage) storage_metrics(e, *report.storage);
  if (report.operations) operations_metrics(e, *report.operations);
  return e.take();
}

}  // namespace claimcheck
