// The one status line on stderr, redrawn in place: gc's running counts and
// the transfer progress of offload and retrieve. Only when stderr is a
// terminal and not --quiet, redrawn at most ten times a second, cleared when
// it ends and before any other line is printed (report_error.hpp draws it).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace claimcheck::cli {

class StatusLine {
 public:
  explicit StatusLine(bool quiet);
  ~StatusLine();
  StatusLine(const StatusLine&) = delete;
  StatusLine& operator=(const StatusLine&) = delete;

  /// Whether show() would draw now (a terminal, and not drawn in the last
  /// 100 ms): callers skip building a text that would not be drawn.
  bool due() const;
  void show(const std::string& text);
  /// Clears the line so later output starts clean.
  void finish();

 private:
  using Clock = std::chrono::steady_clock;
  bool enabled_;
  bool drawn_ = false;
  Clock::time_point last_draw_{};
};

/// A transfer's progress on the status line: bytes, rate and (when the total
/// is known) ETA, once the transfer passes 4 MiB.
class ProgressBar {
 public:
  /// `total` 0 means unknown (no ETA).
  ProgressBar(bool quiet, std::uint64_t total);
  void update(std::uint64_t bytes);
  /// The size becomes known once the input turns out to be a reference.
  void set_total(std::uint64_t total) { total_ = total; }
  void finish() { line_.finish(); }

  static constexpr std::uint64_t kMinimumBytes = 4u << 20;

 private:
  StatusLine line_;
  std::uint64_t total_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace claimcheck::cli
