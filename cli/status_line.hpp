// A one-line status on stderr, redrawn in place ("gc: scanned 12000 ..."):
// only when stderr is a terminal and not --quiet, at most ten times a second.
#pragma once

#include <chrono>
#include <string>

namespace claimcheck::cli {

class StatusLine {
 public:
  explicit StatusLine(bool quiet);
  ~StatusLine();
  StatusLine(const StatusLine&) = delete;
  StatusLine& operator=(const StatusLine&) = delete;

  bool enabled() const { return enabled_; }
  void show(const std::string& text);
  /// Clears the line so later output starts clean.
  void finish();

 private:
  using Clock = std::chrono::steady_clock;
  bool enabled_;
  bool drawn_ = false;
  Clock::time_point last_draw_{};
};

}  // namespace claimcheck::cli
