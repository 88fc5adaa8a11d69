#include "status_line.hpp"

#include <unistd.h>

#include <cstdio>

namespace claimcheck::cli {

StatusLine::StatusLine(bool quiet) : enabled_(!quiet && ::isatty(STDERR_FILENO)) {}

StatusLine::~StatusLine() { finish(); }

void StatusLine::show(const std::string& text) {
  if (!enabled_) return;
  const auto now = Clock::now();
  if (drawn_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  drawn_ = true;
  std::fprintf(stderr, "\r\033[K%s", text.c_str());
  std::fflush(stderr);
}

void StatusLine::finish() {
  if (!drawn_) return;
  drawn_ = false;
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
}

}  // namespace claimcheck::cli
