// A progress bar on stderr for long transfers: bytes, rate and (when the
// total is known) ETA. Only on a terminal, never with --quiet, only once a
// transfer passes 4 MiB, redrawn at most ten times a second.
#pragma once

#include <chrono>
#include <cstdint>

namespace claimcheck::cli {

class ProgressBar {
 public:
  /// `total` 0 means unknown (no ETA).
  ProgressBar(bool quiet, std::uint64_t total);
  ~ProgressBar();
  void update(std::uint64_t bytes);
  /// Clears the bar's line so later messages start clean.
  void finish();

  static constexpr std::uint64_t kMinimumBytes = 4u << 20;

 private:
  using Clock = std::chrono::steady_clock;
  void draw(std::uint64_t bytes);

  bool enabled_;
  bool drawn_ = false;
  std::uint64_t total_;
  Clock::time_point start_ = Clock::now();
  Clock::time_point last_draw_{};
};

}  // namespace claimcheck::cli
