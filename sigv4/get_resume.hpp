// GetObject's bookkeeping across attempts: after a body cut short, the next
// attempt asks for the rest with a Range (and If-Match, so the object cannot
// change underneath), and the sink never sees a byte twice, even if the
// server ignores the Range and sends everything again. Private to sigv4/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "http_transfer.hpp"
#include "request_executor.hpp"
#include "sigv4/s3_client.hpp"

namespace sigv4 {

class GetResume {
 public:
  GetResume(const BodySink& sink, std::optional<ByteRange> range);

  /// Before each attempt: sets Range / If-Match on `request`.
  void prepare(S3Request& request, const HttpOutcome* previous);
  /// A chunk of a 200 or 206 body.
  void deliver(long status, const char* data, std::size_t size);

  std::uint64_t delivered() const { return delivered_; }

 private:
  std::uint64_t next_wanted() const { return first_ + delivered_; }

  const BodySink& sink_;
  std::uint64_t first_;
  std::optional<std::uint64_t> last_;
  std::uint64_t delivered_ = 0;         // bytes given to the sink so far
  std::uint64_t attempt_start_ = 0;     // object offset this attempt asked for
  std::uint64_t attempt_received_ = 0;  // body bytes seen in this attempt
  std::string etag_;
};

}  // namespace sigv4
