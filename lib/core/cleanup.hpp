// What an interrupted process must undo: temp files to remove, multipart
// uploads to abort. Each is registered for exactly as long as it exists; the
// CLI's signal thread runs whatever is registered before it exits, so Ctrl-C
// or SIGTERM in the middle of a transfer leaves nothing behind.
#pragma once

#include <cstdint>
#include <functional>

namespace claimcheck {

/// Registers `action` until destroyed. Move-only.
class CleanupRegistration {
 public:
  CleanupRegistration() = default;
  explicit CleanupRegistration(std::function<void()> action);
  ~CleanupRegistration();
  CleanupRegistration(CleanupRegistration&& other) noexcept;
  CleanupRegistration& operator=(CleanupRegistration&& other) noexcept;
  CleanupRegistration(const CleanupRegistration&) = delete;
  CleanupRegistration& operator=(const CleanupRegistration&) = delete;

 private:
  std::uint64_t id_ = 0;
};

/// Runs every registered action once (exceptions swallowed), newest first,
/// and unregisters them. Safe to call from any thread, not from a signal
/// handler.
void run_cleanup_actions() noexcept;

}  // namespace claimcheck
