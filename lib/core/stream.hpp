// Byte streams inside the library: nothing in lib/ touches stdin/stdout
// directly, so every part can be tested with in-memory streams.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace claimcheck {

/// Pull-style input of unknown length.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  /// Reads up to `capacity` bytes; returns 0 only at end of input.
  virtual std::size_t read(char* buffer, std::size_t capacity) = 0;
  /// Bytes still to come, when the source knows (in-memory sources), so a
  /// reader can size its buffer once.
  virtual std::optional<std::uint64_t> remaining() const { return std::nullopt; }
};

/// Push-style output.
class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual void write(const char* data, std::size_t size) = 0;
  virtual void flush() {}
  /// Waits until a write of up to PIPE_BUF bytes would not block (a pipe's,
  /// a socket's or a terminal's reader has made room). At once for anything else.
  virtual void wait_until_writable() {}
};

/// Reads from a file descriptor (stdin, a file). Does not own it. EINTR is
/// retried, EAGAIN waited out; other failures are Error(Internal) naming `name`.
class FdSource : public ByteSource {
 public:
  explicit FdSource(int fd, std::string name = "stdin") : fd_(fd), name_(std::move(name)) {}
  std::size_t read(char* buffer, std::size_t capacity) override;
 private:
  int fd_;
  std::string name_;
};

/// Writes to a file descriptor, retrying short writes, EINTR and EAGAIN. Does
/// not own it. EPIPE is Error(ReaderGone) (the caller ignores SIGPIPE so that
/// it arrives here), other failures Error(Internal), both naming `name`.
class FdSink : public ByteSink {
 public:
  explicit FdSink(int fd, std::string name = "stdout") : fd_(fd), name_(std::move(name)) {}
  void write(const char* data, std::size_t size) override;
  void wait_until_writable() override;
 private:
  int fd_;
  std::string name_;
};

/// Everything from `source` into `sink`; returns the byte count.
std::uint64_t copy_all(ByteSource& source, ByteSink& sink);

/// Reads bytes the caller keeps alive, without copying them first.
class ViewSource : public ByteSource {
 public:
  explicit ViewSource(std::string_view data) : data_(data) {}
  std::size_t read(char* buffer, std::size_t capacity) override;
  std::optional<std::uint64_t> remaining() const override { return data_.size() - offset_; }
 private:
  std::string_view data_;
  std::size_t offset_ = 0;
};

/// In-memory source and sink, for tests and small payloads. The source owns
/// its bytes and reads them through a view of them, so it cannot be moved.
class StringSource : public ByteSource {
 public:
  explicit StringSource(std::string data) : data_(std::move(data)), view_(data_) {}
  StringSource(const StringSource&) = delete;
  StringSource& operator=(const StringSource&) = delete;
  std::size_t read(char* buffer, std::size_t capacity) override { return view_.read(buffer, capacity); }
  std::optional<std::uint64_t> remaining() const override { return view_.remaining(); }
 private:
  std::string data_;
  ViewSource view_;
};

class StringSink : public ByteSink {
 public:
  void write(const char* data, std::size_t size) override { data_.append(data, size); }
  /// Room for `size` bytes in all, so appends up to it copy nothing twice.
  void reserve(std::size_t size) { data_.reserve(size); }
  const std::string& data() const { return data_; }
  std::string take() { return std::move(data_); }
 private:
  std::string data_;
};

}  // namespace claimcheck
