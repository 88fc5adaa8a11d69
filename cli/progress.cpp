#include "progress.hpp"

#include <unistd.h>

#include <cstdio>
#include <string>

#include "core/units.hpp"

namespace claimcheck::cli {
namespace {

constexpr auto kRedrawInterval = std::chrono::milliseconds(100);

std::string format_eta(double seconds) {
  auto whole = static_cast<long long>(seconds + 0.5);
  char text[32];
  std::snprintf(text, sizeof text, "%lld:%02lld", whole / 60, whole % 60);
  return text;
}

}  // namespace

ProgressBar::ProgressBar(bool quiet, std::uint64_t total)
    : enabled_(!quiet && ::isatty(STDERR_FILENO) == 1), total_(total) {}

ProgressBar::~ProgressBar() { finish(); }

void ProgressBar::update(std::uint64_t bytes) {
  if (!enabled_ || bytes < kMinimumBytes) return;
  auto now = Clock::now();
  if (drawn_ && now - last_draw_ < kRedrawInterval) return;
  last_draw_ = now;
  draw(bytes);
}

void ProgressBar::draw(std::uint64_t bytes) {
  double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
  double rate = elapsed > 0 ? static_cast<double>(bytes) / elapsed : 0;
  std::string line = format_size(bytes);
  if (total_ > 0) line += " / " + format_size(total_);
  line += "  " + format_size(static_cast<std::uint64_t>(rate)) + "/s";
  if (total_ > bytes && rate > 0)
    line += "  ETA " + format_eta(static_cast<double>(total_ - bytes) / rate);
  std::fprintf(stderr, "\r\033[K%s", line.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressBar::finish() {
  if (!drawn_) return;
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace claimcheck::cli
