#include "core/shared_work.hpp"

#include <system_error>
#include <thread>
#include <vector>

namespace claimcheck {

void run_on_threads(std::size_t threads, const std::function<void()>& work) {
  std::vector<std::jthread> helpers;  // joined however this returns
  for (std::size_t t = 1; t < threads; ++t) {
    try {
      helpers.emplace_back(work);
    } catch (const std::system_error&) {
      break;
    }
  }
  work();
}

}  // namespace claimcheck
