// The operations view of `stats`: folds journal records.
#include "gc_stats/stats.hpp"

namespace claimcheck {

void OperationsAggregator::add(const JournalRecord& record) {
  if (since_ && record.time < *since_) return;
  ++stats_.records;
  if (!stats_.first || record.time < *stats_.first) stats_.first = record.time;
  if (!stats_.last || record.time > *stats_.last) stats_.last = record.time;
  if (record.exit_code != 0) {
    ++stats_.errors_by_exit_code[record.exit_code];
    return;
  }
  add_success(record);
}

void OperationsAggregator::add_success(const JournalRecord& record) {
  if (record.op == "offload") {
    ++stats_.offloads;
    if (record.compressed) ++stats_.compressed_offloads;
    stats_.bytes_in += record.original_bytes;
    stats_.bytes_stored += record.stored_bytes;
    upload_ms_.push_back(record.transfer_ms);
  } else if (record.op == "retrieve") {
    ++stats_.retrievals;
    stats_.bytes_out += record.original_bytes;
    download_ms_.push_back(record.transfer_ms);
  } else if (record.op == "passthrough") {
    ++stats_.passthroughs;
    stats_.passthrough_bytes += record.original_bytes;
  }
}

OperationsStats OperationsAggregator::finish() {
  stats_.upload = summarize_latencies(std::move(upload_ms_));
  stats_.download = summarize_latencies(std::move(download_ms_));
  upload_ms_.clear();
  download_ms_.clear();
  if (stats_.bytes_in > 0)
    stats_.compression_ratio = static_cast<double>(stats_.bytes_stored) / static_cast<double>(stats_.bytes_in);
  return stats_;
}

OperationsStats collect_operation_stats(const Journal& journal, std::optional<TimePoint> since,
                                        const std::string& store) {
  OperationsAggregator aggregator(since);
  std::uint64_t bad_lines = 0;
  journal.read(
      [&](const JournalRecord& record) {
        if (record.store.empty() || record.store == store) aggregator.add(record);
      },
      &bad_lines);
  OperationsStats stats = aggregator.finish();
  stats.bad_lines = bad_lines;
  return stats;
}

}  // namespace claimcheck
