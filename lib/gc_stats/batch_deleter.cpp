#include "gc_stats/batch_deleter.hpp"

#include <exception>
#include <system_error>
#include <unordered_map>

#include "core/error.hpp"

namespace claimcheck {

namespace {

/// One batch through Store::remove_batch; a whole-batch failure (the request
/// itself failed after retries) becomes a failure of each of its keys.
BatchDeleteResult delete_one_batch(Store& store, const DeleteBatch& batch) {
  try {
    return store.remove_batch(batch.keys);
  } catch (const Error& e) {
    BatchDeleteResult result;
    for (const auto& key : batch.keys) result.failed.emplace_back(key, e.why());
    return result;
  } catch (const std::exception& e) {
    BatchDeleteResult result;
    for (const auto& key : batch.keys) result.failed.emplace_back(key, e.what());
    return result;
  }
}

}  // namespace

BatchDeleter::BatchDeleter(Store& store, int workers, std::size_t max_listed, const std::atomic<bool>* stop)
    : store_(store),
      stop_(stop),
      max_queued_(static_cast<std::size_t>(workers < 1 ? 1 : workers)),
      max_listed_(max_listed) {
  // Under a limit on threads (ulimit -u, a container's pids.max) the workers
  // that started share the batches; with none, submit() deletes each itself.
  for (std::size_t i = 0; i < max_queued_; ++i) {
    try {
      workers_.emplace_back([this] { work(); });
    } catch (const std::system_error&) {
      break;
    }
  }
}

BatchDeleter::~BatchDeleter() {
  cancel_pending();
  finish();
}

void BatchDeleter::submit(DeleteBatch batch) {
  if (workers_.empty()) {
    if (stop_ != nullptr && stop_->load()) return;  // stopped: as a worker would, start nothing
    BatchDeleteResult result = delete_one_batch(store_, batch);
    std::lock_guard lock(mutex_);
    record(batch, result);
    return;
  }
  std::unique_lock lock(mutex_);
  has_room_.wait(lock, [this] { return queue_.size() < max_queued_; });
  queue_.push_back(std::move(batch));
  has_work_.notify_one();
}

void BatchDeleter::cancel_pending() {
  std::lock_guard lock(mutex_);
  queue_.clear();
  has_room_.notify_all();
}

void BatchDeleter::finish() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  has_work_.notify_all();
  for (auto& worker : workers_) {
    if (worker.joinable()) worker.join();
  }
}

DeleteTotals BatchDeleter::totals() const {
  std::lock_guard lock(mutex_);
  return totals_;
}

void BatchDeleter::work() {
  for (;;) {
    DeleteBatch batch;
    {
      std::unique_lock lock(mutex_);
      has_work_.wait(lock, [this] { return !queue_.empty() || closing_; });
      if (stop_ != nullptr && stop_->load()) {  // stopped: what waits is not started
        queue_.clear();
        has_room_.notify_all();
      }
      if (queue_.empty()) {
        if (closing_) return;  // closing and nothing left
        continue;
      }
      batch = std::move(queue_.front());
      queue_.pop_front();
      has_room_.notify_one();
    }
    BatchDeleteResult result = delete_one_batch(store_, batch);
    std::lock_guard lock(mutex_);
    record(batch, result);
  }
}

void BatchDeleter::record(const DeleteBatch& batch, const BatchDeleteResult& result) {
  std::unordered_map<std::string, std::uint64_t> size_of;
  for (std::size_t i = 0; i < batch.keys.size(); ++i) size_of[batch.keys[i]] = batch.sizes[i];
  for (const auto& key : result.deleted) {
    auto it = size_of.find(key);
    if (it == size_of.end()) continue;  // not ours: never count it
    ++totals_.deleted;
    totals_.bytes_freed += it->second;
    if (totals_.deleted_keys.size() < max_listed_) totals_.deleted_keys.push_back(key);
    size_of.erase(it);  // a key reported twice counts once
  }
  for (const auto& key : result.gone)
    if (size_of.erase(key) != 0) ++totals_.already_gone;
  for (const auto& [key, reason] : result.failed) record_failure(key, reason);
}

void BatchDeleter::record_failure(const std::string& key, const std::string& reason) {
  ++totals_.errors;
  if (totals_.failures.size() < max_listed_) totals_.failures.emplace_back(key, reason);
}

}  // namespace claimcheck
