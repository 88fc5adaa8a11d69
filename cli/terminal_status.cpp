#include "terminal_status.hpp"

#include <unistd.h>

#include <cstdio>

#include "core/units.hpp"
#include "report_error.hpp"

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

StatusLine::StatusLine(bool quiet) : enabled_(!quiet && ::isatty(STDERR_FILENO) == 1) {}

StatusLine::~StatusLine() { finish(); }

bool StatusLine::due() const { return enabled_ && (!drawn_ || Clock::now() - last_draw_ >= kRedrawInterval); }

void StatusLine::show(const std::string& text) {
  if (!due()) return;
  last_draw_ = Clock::now();
  drawn_ = true;
  draw_status_text(text);
}

void StatusLine::finish() {
  if (!drawn_) return;
  drawn_ = false;
  clear_status_text();
}

ProgressBar::ProgressBar(bool quiet, std::uint64_t total) : line_(quiet), total_(total) {}

void ProgressBar::update(std::uint64_t bytes) {
  if (bytes < kMinimumBytes || !line_.due()) return;
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(bytes) / elapsed : 0;
  std::string text = format_size(bytes);
  if (total_ > 0) text += " / " + format_size(total_);
  text += "  " + format_size(static_cast<std::uint64_t>(rate)) + "/s";
  if (total_ > bytes && rate > 0) text += "  ETA " + format_eta(static_cast<double>(total_ - bytes) / rate);
  line_.show(text);
}

}  // namespace claimcheck::cli
