#include "core/cleanup.hpp"

#include <map>
#include <mutex>
#include <utility>

namespace claimcheck {
namespace {

struct Registry {
  std::mutex mutex;
  std::map<std::uint64_t, std::function<void()>> actions;
  std::uint64_t next_id = 1;
};

Registry& registry() {
  static Registry instance;
  return instance;
}

}  // namespace

CleanupRegistration::CleanupRegistration(std::function<void()> action) {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  id_ = r.next_id++;
  r.actions.emplace(id_, std::move(action));
}

CleanupRegistration::~CleanupRegistration() {
  if (id_ == 0) return;
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
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

void run_cleanup_actions() noexcept {
  std::map<std::uint64_t, std::function<void()>> actions;
  {
    Registry& r = registry();
    std::lock_guard lock(r.mutex);
    actions.swap(r.actions);
  }
  for (auto it = actions.rbegin(); it != actions.rend(); ++it) {
    try {
      it->second();
    } catch (...) {
      // best effort: the process is going away; nothing else can be done
    }
  }
}

}  // namespace claimcheck
