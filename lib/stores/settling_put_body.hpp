// The body of a single S3 PUT that an interrupt's cleanup settles before the
// object is removed. A DELETE sent while the PUT was still on its way was
// answered 204 and the PUT then stored the object: an orphan, after
// "nothing kept" (eighth audit, 5 of 26 runs). So the cleanup first stops
// the body, if bytes are still to be sent (a body cut short is never
// stored), and then waits for the PUT's end: once every byte is handed over
// the store may be storing it, and only its answer says it has.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>

#include "sigv4/s3_client.hpp"

namespace claimcheck {

class SettlingPutBody final : public sigv4::BodySource {
 public:
  /// Sends `inner`'s bytes; `inner` must outlive it.
  explicit SettlingPutBody(sigv4::BodySource& inner) : inner_(inner) {}

  std::uint64_t size() const override { return inner_.size(); }
  /// Throws once settle() has begun: libcurl then ends the PUT unfinished.
  std::size_t read(char* buffer, std::size_t capacity) override;
  void rewind() override;
  std::string sha256_hex() override { return inner_.sha256_hex(); }

  /// The PUT has ended (answered, failed or stopped): settle() returns.
  void put_ended();
  /// On the cleanup's thread: stops the body and waits for put_ended()
  /// until `end`; whether the PUT has ended.
  bool settle(std::chrono::steady_clock::time_point end);

 private:
  sigv4::BodySource& inner_;
  std::mutex mutex_;
  std::condition_variable ended_changed_;
  bool stopping_ = false, ended_ = false;
};

/// Calls put_ended() when it goes out of scope, however the PUT ended.
class PutEnded {
 public:
  explicit PutEnded(SettlingPutBody& body) : body_(body) {}
  PutEnded(const PutEnded&) = delete;
  PutEnded& operator=(const PutEnded&) = delete;
  ~PutEnded() { body_.put_ended(); }

 private:
  SettlingPutBody& body_;
};

}  // namespace claimcheck
