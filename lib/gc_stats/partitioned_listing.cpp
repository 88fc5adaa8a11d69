#include "gc_stats/partitioned_listing.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>

namespace claimcheck {

namespace {

/// One sub-prefix's pages on their way from a lister thread to the caller.
struct Slot {
  std::deque<std::vector<ObjectInfo>> pages;
  bool done = false;
  std::exception_ptr error;
};

class PartitionedListing {
 public:
  PartitionedListing(Store& store, std::vector<std::string> partitions, const ListingPageHandler& on_page)
      : store_(store), partitions_(std::move(partitions)), on_page_(on_page), slots_(partitions_.size()) {}

  ~PartitionedListing() { stop_and_join(); }

  /// Delivers every partition's pages in order on this thread.
  void run(int concurrency) {
    const std::size_t listers = std::min<std::size_t>(static_cast<std::size_t>(concurrency), partitions_.size());
    // Under a limit on threads (ulimit -u, a container's pids.max) the
    // listers that started share the partitions; with none, this thread
    // lists them one after another.
    for (std::size_t i = 0; i < listers; ++i) {
      try {
        threads_.emplace_back([this] { list_partitions(); });
      } catch (const std::system_error&) {
        break;
      }
    }
    if (threads_.empty()) {
      list_in_turn();
      return;
    }
    for (std::size_t index = 0; index < slots_.size(); ++index) {
      if (!deliver(index)) break;
    }
    stop_and_join();
  }

 private:
  /// Pages of partition `index` to the caller until it is done; false when
  /// the caller asked to stop. Rethrows the partition's listing error.
  bool deliver(std::size_t index) {
    Slot& slot = slots_[index];
    for (;;) {
      std::vector<ObjectInfo> page;
      {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return !slot.pages.empty() || slot.done; });
        if (slot.pages.empty()) {
          if (slot.error) std::rethrow_exception(slot.error);
          head_ = index + 1;  // the next partition may now buffer without limit
          changed_.notify_all();
          return true;
        }
        page = std::move(slot.pages.front());
        slot.pages.pop_front();
        --buffered_;
      }
      changed_.notify_all();
      if (!on_page_(page)) return false;
    }
  }

  void list_in_turn() {
    for (const std::string& partition : partitions_) {
      bool more = true;
      store_.list(partition, [&](const std::vector<ObjectInfo>& page) { return more = on_page_(page); });
      if (!more) return;
    }
  }

  /// A lister thread: takes the next partition not yet taken, in order.
  void list_partitions() {
    for (;;) {
      std::size_t index = 0;
      {
        std::lock_guard lock(mutex_);
        if (stopping_ || next_ == partitions_.size()) return;
        index = next_++;
      }
      std::exception_ptr error;
      try {
        store_.list(partitions_[index], [&](const std::vector<ObjectInfo>& page) { return buffer(index, page); });
      } catch (...) {
        error = std::current_exception();
      }
      {
        std::lock_guard lock(mutex_);
        slots_[index].error = error;
        slots_[index].done = true;
      }
      changed_.notify_all();
    }
  }

  /// Queues a page for the caller, waiting while its own partition has
  /// kMaxBufferedListingPages queued, and (unless it is the partition being
  /// delivered) while that many are queued in all: the partition ahead is
  /// never starved by the ones behind it, and at most twice that many pages
  /// wait, however large a partition is.
  bool buffer(std::size_t index, const std::vector<ObjectInfo>& page) {
    Slot& slot = slots_[index];
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [&] {
        return stopping_ || (slot.pages.size() < kMaxBufferedListingPages &&
                             (index <= head_ || buffered_ < kMaxBufferedListingPages));
      });
      if (stopping_) return false;
      slot.pages.push_back(page);
      ++buffered_;
    }
    changed_.notify_all();
    return true;
  }

  void stop_and_join() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    changed_.notify_all();
    for (std::thread& thread : threads_) thread.join();
    threads_.clear();
  }

  Store& store_;
  const std::vector<std::string> partitions_;
  const ListingPageHandler& on_page_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Slot> slots_;
  std::size_t next_ = 0;      // first partition no lister has taken
  std::size_t head_ = 0;      // the partition being delivered
  std::size_t buffered_ = 0;  // pages queued in all slots
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace

void list_partitioned(Store& store, const std::string& prefix, int concurrency, const ListingPageHandler& on_page) {
  if (concurrency <= 1) {
    store.list(prefix, on_page);
    return;
  }
  std::vector<std::string> partitions;
  bool stopped = false;
  store.list_level(prefix, [&](const Store::LevelPage& level) {
    partitions.insert(partitions.end(), level.prefixes.begin(), level.prefixes.end());
    if (!on_page(level.objects)) stopped = true;  // an empty page too: the caller may be stopping
    return !stopped;
  });
  if (stopped || partitions.empty()) return;
  PartitionedListing(store, std::move(partitions), on_page).run(concurrency);
}

}  // namespace claimcheck
