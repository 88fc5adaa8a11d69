// What `gc` prints: the dry-run list (one line per key), the summary, the
// per-key failures, and the same as one JSON document with --json.
#pragma once

#include <string>
#include <vector>

#include "gc_stats/gc.hpp"

namespace claimcheck::cli {

struct GcReport {
  const GcOptions& options;
  std::string store;  // location, never a secret
  const GcSummary& summary;
  const std::vector<GcCandidate>& objects;  // dry run with --json only
  const std::vector<IncompleteUpload>& uploads;  // the same
};

/// `<key>\t<stored bytes>\t<expires_at>\t<key|ttl>`, one line on stdout.
void print_candidate_line(const GcCandidate& candidate);

/// `<key>\t-\t<initiated>\tincomplete upload <id>`, one line on stdout.
void print_upload_line(const IncompleteUpload& upload);

/// The summary block on stdout.
void print_summary_text(const GcReport& report);

/// One line per failed key on stderr, the first kMaxFailureLines, then a count.
void print_failures(const GcSummary& summary);

/// One line (JSON Lines, for `>> gc.jsonl`): the counts, and the keys
/// deleted and failed (the first kMaxListedKeys of each, then a count).
void print_json(const GcReport& report);

/// "gc: scanned 12000, selected 3000, deleted 2000" for the status line.
std::string progress_text(const GcSummary& summary, bool dry_run);

}  // namespace claimcheck::cli
