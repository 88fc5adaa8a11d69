// Machine-readable forms of a StatsReport: `stats --json` and
// `stats --prometheus` (text exposition format, for node_exporter's textfile
// collector).
//
// The JSON carries the Go runner's metric names with true values:
//   OffloadCount          successful offloads in the journal (window: --since)
//   RetrievalCount        successful retrievals in the journal
//   TotalBytesStored      with the storage view: bytes stored under the prefix
//                         right now (listing); without it: sum of stored_bytes
//                         of the journal's offloads. TotalBytesStoredSource
//                         says which ("storage" or "journal").
//   AvgUploadLatencyMS    mean store PUT time of those offloads, milliseconds
//   AvgDownloadLatencyMS  mean store GET time of those retrievals, milliseconds
// A value the report cannot know (view not run, no samples) is null.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "gc_stats/stats.hpp"

namespace claimcheck {

nlohmann::ordered_json stats_to_json(const StatsReport& report);

std::string stats_to_prometheus(const StatsReport& report);

}  // namespace claimcheck
