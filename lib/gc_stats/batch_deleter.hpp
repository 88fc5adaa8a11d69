// Deletes batches of keys on a few worker threads while the caller keeps
// listing. The queue is bounded, so memory stays at a few batches. Under a
// limit on threads it makes do with the workers that could start, or none.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "stores/store.hpp"

namespace claimcheck {

struct DeleteBatch {
  std::vector<std::string> keys;
  std::vector<std::uint64_t> sizes;  // parallel to keys
};

struct DeleteTotals {
  std::uint64_t deleted = 0;
  std::uint64_t bytes_freed = 0;
  std::uint64_t errors = 0;
  std::uint64_t already_gone = 0;  // removed by another run first
  std::vector<std::string> deleted_keys;                      // the first max_listed
  std::vector<std::pair<std::string, std::string>> failures;  // the first max_listed
};

class BatchDeleter {
 public:
  /// Once `stop` is set, no batch is started: those queued are dropped,
  /// also while the caller waits in finish() for the last ones.
  BatchDeleter(Store& store, int workers, std::size_t max_listed, const std::atomic<bool>* stop = nullptr);
  /// Drops batches not started, waits for those in flight.
  ~BatchDeleter();
  BatchDeleter(const BatchDeleter&) = delete;
  BatchDeleter& operator=(const BatchDeleter&) = delete;

  /// Queues a batch; blocks while as many batches as workers are waiting.
  /// With no worker (none could be started) it deletes the batch itself.
  void submit(DeleteBatch batch);
  /// Drops the batches that no worker has started yet.
  void cancel_pending();
  /// Waits until every queued batch is done and stops the workers.
  void finish();
  DeleteTotals totals() const;

 private:
  void work();
  void record(const DeleteBatch& batch, const BatchDeleteResult& result);
  void record_failure(const std::string& key, const std::string& reason);

  Store& store_;
  const std::atomic<bool>* stop_;
  std::size_t max_queued_;
  std::size_t max_listed_;
  mutable std::mutex mutex_;
  std::condition_variable has_work_, has_room_;
  std::deque<DeleteBatch> queue_;
  bool closing_ = false;
  DeleteTotals totals_;
  std::vector<std::thread> workers_;
};

}  // namespace claimcheck
