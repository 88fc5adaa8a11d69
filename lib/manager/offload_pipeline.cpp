#include "manager/offload_pipeline.hpp"

#include <algorithm>
#include <cstring>
#include <mutex>

namespace claimcheck {

std::size_t ConcatSource::read(char* buffer, std::size_t capacity) {
  if (!first_done_) {
    if (std::size_t n = first_.read(buffer, capacity)) return n;
    first_done_ = true;
  }
  return second_.read(buffer, capacity);
}

std::size_t DigestingSource::read(char* buffer, std::size_t capacity) {
  std::size_t n = upstream_.read(buffer, capacity);
  if (n > 0) {
    sha256_.update(buffer, n);
    bytes_ += n;
    if (progress_) progress_(bytes_);
  }
  return n;
}

const std::string& DigestingSource::hex_digest() {
  if (!digest_) digest_ = sha256_.hex_digest();
  return *digest_;
}

/// The encoder's output waiting to be read. Locked because a parallel
/// encoder may deliver from a worker thread.
class GzipSource::Pending : public ByteSink {
 public:
  void write(const char* data, std::size_t size) override {
    std::lock_guard lock(mutex_);
    bytes_.append(data, size);
  }
  std::size_t take(char* buffer, std::size_t capacity) {
    std::lock_guard lock(mutex_);
    std::size_t n = std::min(capacity, bytes_.size() - offset_);
    std::memcpy(buffer, bytes_.data() + offset_, n);
    offset_ += n;
    if (offset_ == bytes_.size()) {
      bytes_.clear();
      offset_ = 0;
    }
    return n;
  }

 private:
  std::mutex mutex_;
  std::string bytes_;
  std::size_t offset_ = 0;
};

GzipSource::GzipSource(ByteSource& upstream, int level, bool parallel)
    : upstream_(upstream), pending_(std::make_unique<Pending>()), chunk_(1 << 16) {
  if (parallel)
    encoder_ = make_gzip_encoder(*pending_, level);
  else
    encoder_ = std::make_unique<GzipEncoder>(*pending_, level);
}

GzipSource::~GzipSource() = default;

std::size_t GzipSource::read(char* buffer, std::size_t capacity) {
  for (;;) {
    if (std::size_t n = pending_->take(buffer, capacity)) return n;
    if (finished_) return 0;
    refill();
  }
}

void GzipSource::refill() {
  std::size_t n = upstream_.read(chunk_.data(), chunk_.size());
  if (n == 0) {
    encoder_->finish();
    finished_ = true;
  } else {
    encoder_->write(chunk_.data(), n);
  }
}

}  // namespace claimcheck
