// Presentation of `inspect` results: the terminal table and the JSON document.
#pragma once

#include <string>
#include <vector>

#include "scanner/inspect.hpp"

namespace claimcheck::cli {

struct InspectReport {
  std::vector<Inspection> items;
  InspectSummary summary;
  bool offline = false;
  bool several_sources = false;  // prefix locations with their input
  TimePoint now{};
};

/// One aligned row per reference, problem and URL lines under their row,
/// then the summary line. ANSI colour only when `color`. With `width` (a
/// terminal's columns; 0: no limit) rows fit it: the less telling columns
/// go first (ratio, compression, stored at, sha256, stored size, expiry,
/// format, size), then long keys and locations are shortened in the middle.
std::string inspect_table(const InspectReport& report, bool color, std::size_t width = 0);

/// "found N, ok N, missing N, corrupt N, expired N, foreign N, invalid N"
/// (plus unchecked / errors when there are any).
std::string summary_line(const InspectSummary& summary);

/// The documented `claimcheck.inspect/v1` document (see inspect_json.cpp).
std::string inspect_json(const InspectReport& report);

/// Where a finding sits, for people: "#7 ActivityTaskCompleted FetchPhotos
/// result", "line 3 /x", "/data/fetchPhotos".
std::string describe_location(const Inspection& item, bool with_source);

}  // namespace claimcheck::cli
