#include "core/cleanup.hpp"

#include <chrono>
#include <exception>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

namespace claimcheck {
namespace {

struct Registry {
  std::mutex mutex;
  std::map<std::uint64_t, std::function<void()>> actions;
  std::uint64_t next_id = 1;
  bool cleaning = false;   // the process is exiting after the cleanup
  std::thread::id cleaner;  // the thread running it
  bool published = false;  // the result is out: nothing is undone any more
};

Registry& registry() {
  static Registry instance;
  return instance;
}

/// The cleanup has begun and the process exits when it ends: whatever the
/// caller was about to do must not happen.
[[noreturn]] void wait_for_exit(std::unique_lock<std::mutex>& lock) {
  lock.unlock();
  while (true) std::this_thread::sleep_for(std::chrono::hours(1));
}

std::uint64_t add(Registry& r, std::function<void()> action) {
  const std::uint64_t id = r.next_id++;
  r.actions.emplace(id, std::move(action));
  return id;
}

/// Once the cleanup has begun, what is registered would never run: a thread
/// that is about to make something (an upload about to start its PUT) waits
/// for the exit instead. Newly registered actions had been added after the
/// cleanup took its list, and their objects stored after "nothing kept"
/// (sixteenth audit: 10 of 35 interrupted --json-fields offloads on S3).
void wait_if_cleaning(const Registry& r, std::unique_lock<std::mutex>& lock) {
  if (r.cleaning && std::this_thread::get_id() != r.cleaner) wait_for_exit(lock);
}

}  // namespace

CleanupRegistration::CleanupRegistration(std::function<void()> action) {
  Registry& r = registry();
  std::unique_lock lock(r.mutex);
  wait_if_cleaning(r, lock);
  id_ = add(r, std::move(action));
}

CleanupRegistration CleanupRegistration::made_by(const std::function<std::function<void()>()>& make) {
  Registry& r = registry();
  std::unique_lock lock(r.mutex);
  wait_if_cleaning(r, lock);
  CleanupRegistration registration;
  registration.id_ = add(r, make());
  return registration;
}

CleanupRegistration::~CleanupRegistration() {
  if (id_ == 0) return;
  Registry& r = registry();
  std::unique_lock lock(r.mutex);
  // The action may be running on the cleanup's thread, using what this
  // registration's owner is about to destroy (an error unwinding the
  // command): that owner must outlive it, and the process exits after it.
  wait_if_cleaning(r, lock);
  r.actions.erase(id_);
}

CleanupRegistration::CleanupRegistration(CleanupRegistration&& other) noexcept
    : id_(std::exchange(other.id_, 0)) {}

CleanupRegistration& CleanupRegistration::operator=(CleanupRegistration&& other) noexcept {
  if (this != &other) {
    CleanupRegistration old(std::move(*this));
    id_ = std::exchange(other.id_, 0);
  }
  return *this;
}

void publish_result(const std::function<void()>& publish) {
  Registry& r = registry();
  std::unique_lock lock(r.mutex);
  if (r.cleaning) wait_for_exit(lock);
  publish();
  r.published = true;
}

void wait_if_exiting() {
  Registry& r = registry();
  std::unique_lock lock(r.mutex);
  if (r.cleaning) wait_for_exit(lock);
}

bool cleanup_has_begun() {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  return r.cleaning;
}

CleanupOutcome run_cleanup_actions(const std::function<void()>& before) noexcept {
  std::map<std::uint64_t, std::function<void()>> actions;
  {
    Registry& r = registry();
    std::lock_guard lock(r.mutex);
    if (r.published) return {};
    r.cleaning = true;
    r.cleaner = std::this_thread::get_id();
    actions.swap(r.actions);
  }
  try {
    if (before) before();
  } catch (...) {
    // best effort; the cleanup itself matters more
  }
  CleanupOutcome outcome{.ran = true, .failure = std::nullopt};
  for (auto it = actions.rbegin(); it != actions.rend(); ++it) {
    try {
      it->second();
    } catch (const std::exception& e) {
      if (!outcome.failure) outcome.failure = e.what();
    } catch (...) {
      if (!outcome.failure) outcome.failure = "an unexpected error";
    }
  }
  return outcome;
}

}  // namespace claimcheck
