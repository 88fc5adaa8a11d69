// What an interrupted process must undo: temp files to remove, multipart
// uploads to abort, objects whose references were never delivered. Each is
// registered for exactly as long as it exists; the CLI's signal thread runs
// whatever is registered before it exits, so Ctrl-C or SIGTERM in the middle
// of a transfer leaves nothing behind.
//
// Two moments must not interleave with that thread: making something (a temp
// file) before its undoing is registered, and publishing the command's result
// (renaming its output into place) before what it refers to could be undone.
// Both run under the registry's lock; if the cleanup has begun, the process is
// exiting and they wait for that instead.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace claimcheck {

/// Registers `action` until destroyed. Move-only. Registering once the
/// cleanup has begun waits for the process's exit (never returns), except on
/// the cleanup's own thread.
class CleanupRegistration {
 public:
  CleanupRegistration() = default;
  explicit CleanupRegistration(std::function<void()> action);
  ~CleanupRegistration();
  CleanupRegistration(CleanupRegistration&& other) noexcept;
  CleanupRegistration& operator=(CleanupRegistration&& other) noexcept;
  CleanupRegistration(const CleanupRegistration&) = delete;
  CleanupRegistration& operator=(const CleanupRegistration&) = delete;

  /// Runs `make`, which creates something and returns the action that
  /// removes it, and registers that action, with no cleanup in between.
  static CleanupRegistration made_by(const std::function<std::function<void()>()>& make);

 private:
  std::uint64_t id_ = 0;
};

/// Runs `publish` (a rename into place; nothing that can block for long) as
/// the moment the command's result is delivered: a cleanup runs wholly
/// before it (and it never runs) or not at all. After it, nothing
/// registered is run: run_cleanup_actions returns false.
void publish_result(const std::function<void()>& publish);

/// Returns at once, unless a cleanup has begun: then the process is exiting
/// with the signal's status, and this never returns. The command's own end
/// (an error line and its exit code, say from a credential process the same
/// signal ended) must not race that exit.
void wait_if_exiting();

/// How long each of the cleanup's requests to a store may take, its retries
/// included, rather than wait out retries and read timeouts while the user
/// waits for Ctrl-C to work; once one has gone unanswered, the store is not
/// asked again.
constexpr std::chrono::seconds kCleanupRequestTimeLimit{5};

/// Whether the cleanup has begun: the process is exiting, and what is asked
/// of a store now is the cleanup's.
bool cleanup_has_begun();

/// What run_cleanup_actions did.
struct CleanupOutcome {
  bool ran = false;  // false: the result was already published
  /// The first action that failed, as its error says; nullopt: all done.
  std::optional<std::string> failure;
};

/// Unless the result is published: calls `before`, runs every registered
/// action once (an exception ends that one alone), newest first, and
/// unregisters them. Safe to call from any thread, not from a signal
/// handler.
CleanupOutcome run_cleanup_actions(const std::function<void()>& before = {}) noexcept;

}  // namespace claimcheck
