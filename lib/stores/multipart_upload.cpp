#include "stores/multipart_upload.hpp"

namespace claimcheck {

ParallelPartUploader::ParallelPartUploader(sigv4::S3Client& client, RequestGate& gate, std::string bucket,
                                           std::string key, std::string upload_id, int concurrency)
    : client_(client),
      gate_(gate),
      bucket_(std::move(bucket)),
      key_(std::move(key)),
      upload_id_(std::move(upload_id)),
      concurrency_(concurrency < 1 ? 1 : concurrency) {}

ParallelPartUploader::~ParallelPartUploader() {
  {
    std::lock_guard lock(mutex_);
    queue_.clear();  // after a failure, do not upload what is left
  }
  stop_workers();
}

void ParallelPartUploader::submit(std::string data) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return in_flight_ < concurrency_ || failure_; });
  if (failure_) std::rethrow_exception(failure_);
  etags_.emplace_back();
  queue_.emplace_back(static_cast<int>(etags_.size()), std::move(data));
  ++in_flight_;
  // Workers start as parts arrive: a 2-part upload needs only 2 threads.
  const bool start_worker = static_cast<int>(workers_.size()) < concurrency_;
  lock.unlock();
  changed_.notify_all();
  if (start_worker) workers_.emplace_back(&ParallelPartUploader::work, this);
}

void ParallelPartUploader::work() {
  std::unique_lock lock(mutex_);
  while (true) {
    changed_.wait(lock, [this] { return !queue_.empty() || closing_; });
    if (queue_.empty()) return;
    auto [part_number, data] = std::move(queue_.front());
    queue_.pop_front();
    const bool skip = static_cast<bool>(failure_);
    lock.unlock();
    std::string etag;
    std::exception_ptr error;
    if (!skip) {
      try {
        const RequestGate::Pass pass = gate_.pass();
        etag = client_.upload_part(bucket_, key_, upload_id_, part_number, data);
      } catch (...) {
        error = std::current_exception();
      }
    }
    data = std::string();  // free the buffer before the next part may be read
    lock.lock();
    if (error && !failure_) failure_ = error;
    etags_[static_cast<std::size_t>(part_number - 1)] = std::move(etag);
    --in_flight_;
    changed_.notify_all();
  }
}

void ParallelPartUploader::stop_workers() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  changed_.notify_all();
  for (std::thread& worker : workers_) worker.join();
  workers_.clear();
}

std::vector<sigv4::CompletedPart> ParallelPartUploader::finish() {
  stop_workers();
  if (failure_) std::rethrow_exception(failure_);
  std::vector<sigv4::CompletedPart> parts;
  for (std::size_t i = 0; i < etags_.size(); ++i) {
    parts.push_back({static_cast<int>(i + 1), etags_[i]});
  }
  return parts;
}

}  // namespace claimcheck
