// Uploads the parts of one multipart upload in parallel: `concurrency`
// worker threads, and at most `concurrency` parts queued or uploading. Each
// part's buffer is freed as soon as it is uploaded, so memory stays at part
// size x (concurrency + 1) with the buffer the caller is filling.
#pragma once

#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "sigv4/s3_client.hpp"
#include "stores/request_gate.hpp"

namespace claimcheck {

class ParallelPartUploader {
 public:
  /// Each part is uploaded through `gate` (an interrupt's cleanup waits for
  /// those under way and lets no other start).
  ParallelPartUploader(sigv4::S3Client& client, RequestGate& gate, std::string bucket, std::string key,
                       std::string upload_id, int concurrency);
  /// Drops queued parts and waits for the uploads still running.
  ~ParallelPartUploader();
  ParallelPartUploader(const ParallelPartUploader&) = delete;
  ParallelPartUploader& operator=(const ParallelPartUploader&) = delete;

  /// Starts uploading `data` as the next part. Blocks while `concurrency`
  /// parts are in flight; rethrows the first failure of an earlier part.
  void submit(std::string data);

  /// Waits for every part; returns them in order or rethrows the first failure.
  std::vector<sigv4::CompletedPart> finish();

  int parts() const { return static_cast<int>(etags_.size()); }

 private:
  void work();
  void stop_workers();

  sigv4::S3Client& client_;
  RequestGate& gate_;
  std::string bucket_, key_, upload_id_;
  int concurrency_;
  std::mutex mutex_;
  std::condition_variable changed_;
  int in_flight_ = 0;  // queued or uploading
  bool closing_ = false;
  std::deque<std::pair<int, std::string>> queue_;
  std::exception_ptr failure_;
  std::vector<std::string> etags_;  // index = part number - 1
  std::vector<std::thread> workers_;
};

}  // namespace claimcheck
