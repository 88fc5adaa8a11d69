// True latency statistics over every recorded value (no sampling, no
// histogram buckets): nearest-rank percentiles, so each one is a value that
// was actually observed.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "gc_stats/stats.hpp"

namespace claimcheck {

namespace {

/// Nearest rank: the smallest value with at least p% of values at or below it.
double nearest_rank(const std::vector<double>& sorted, double percent) {
  const double rank = std::ceil(percent / 100.0 * static_cast<double>(sorted.size()));
  const std::size_t index = rank < 1 ? 0 : static_cast<std::size_t>(rank) - 1;
  return sorted[std::min(index, sorted.size() - 1)];
}

}  // namespace

LatencySummary summarize_latencies(std::vector<double> values) {
  LatencySummary summary;
  if (values.empty()) return summary;
  std::sort(values.begin(), values.end());
  summary.count = values.size();
  summary.sum = std::accumulate(values.begin(), values.end(), 0.0);
  summary.mean = summary.sum / static_cast<double>(values.size());
  summary.p50 = nearest_rank(values, 50);
  summary.p95 = nearest_rank(values, 95);
  summary.p99 = nearest_rank(values, 99);
  summary.max = values.back();
  return summary;
}

}  // namespace claimcheck
