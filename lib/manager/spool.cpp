#include "manager/spool.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "base/io.hpp"

namespace claimcheck {

class SpoolReader : public ByteSource {
 public:
  explicit SpoolReader(const Spool& spool) : spool_(spool) {}
  /// Starts at the file part (copy_to writes the memory part itself).
  void skip_memory() { position_ = spool_.memory_.size(); }

  std::size_t read(char* buffer, std::size_t capacity) override {
    const std::string& memory = spool_.memory_;
    if (position_ < memory.size()) {
      std::size_t n = std::min<std::size_t>(capacity, memory.size() - position_);
      std::memcpy(buffer, memory.data() + position_, n);
      position_ += n;
      return n;
    }
    return read_file(buffer, capacity);
  }

 private:
  std::size_t read_file(char* buffer, std::size_t capacity) {
    std::uint64_t offset = position_ - spool_.memory_.size();
    if (offset >= spool_.file_bytes_) return 0;
    std::size_t wanted = std::min<std::uint64_t>(capacity, spool_.file_bytes_ - offset);
    const ssize_t n = base::retry_on_eintr(
        [&] { return ::pread(spool_.file_.get(), buffer, wanted, static_cast<off_t>(offset)); });
    if (n <= 0) throw errno_error("read back spooled data");
    position_ += static_cast<std::uint64_t>(n);
    return static_cast<std::size_t>(n);
  }

  const Spool& spool_;
  std::uint64_t position_ = 0;
};

Spool::Spool(std::size_t memory_limit) : memory_limit_(memory_limit) {}

void Spool::write(const char* data, std::size_t size) {
  if (!file_.valid()) {
    std::size_t to_memory = std::min(size, memory_limit_ - memory_.size());
    // Reserving the whole limit costs address space only (pages are touched
    // as they fill); growing by doubling copied and faulted in about twice
    // the payload, a measurable part of a 1 MiB offload.
    if (memory_.capacity() < memory_.size() + to_memory && memory_.size() >= kFirstBuffer)
      memory_.reserve(memory_limit_);
    memory_.append(data, to_memory);
    data += to_memory;
    size -= to_memory;
    if (size == 0) return;
    file_ = anonymous_temp_file(temp_directory());
  }
  write_all(file_.get(), data, size, "spool to " + temp_directory());
  file_bytes_ += size;
}

std::unique_ptr<ByteSource> Spool::reader() const { return std::make_unique<SpoolReader>(*this); }

void Spool::copy_to(ByteSink& sink) const {
  // The memory part in one write: no bounce buffer, no 64 KiB syscalls.
  if (!memory_.empty()) sink.write(memory_.data(), memory_.size());
  if (file_bytes_ == 0) return;
  SpoolReader rest(*this);
  rest.skip_memory();
  copy_all(rest, sink);
}

void Spool::clear() noexcept {
  std::string().swap(memory_);
  file_.reset();
  file_bytes_ = 0;
}

}  // namespace claimcheck
