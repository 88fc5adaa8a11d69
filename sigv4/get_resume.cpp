#include "get_resume.hpp"

#include <algorithm>

namespace sigv4 {

GetResume::GetResume(const BodySink& sink, std::optional<ByteRange> range)
    : sink_(sink),
      first_(range ? range->first : 0),
      last_(range ? range->last : std::nullopt) {}

void GetResume::prepare(S3Request& request, const HttpOutcome* previous) {
  if (previous != nullptr && etag_.empty() && previous->status >= 200 && previous->status < 300)
    etag_ = previous->header("etag");
  attempt_start_ = next_wanted();
  attempt_received_ = 0;
  const bool ranged = first_ != 0 || last_.has_value() || delivered_ > 0;
  if (ranged) {
    std::string value = "bytes=" + std::to_string(attempt_start_) + "-";
    if (last_) value += std::to_string(*last_);
    request.set_header("Range", value);
  }
  if (delivered_ > 0 && !etag_.empty()) request.set_header("If-Match", etag_);
}

void GetResume::deliver(long status, const char* data, std::size_t size) {
  // A 200 body starts at offset 0 whatever we asked for; a 206 where asked.
  const std::uint64_t chunk_start = (status == 206 ? attempt_start_ : 0) + attempt_received_;
  attempt_received_ += size;
  const std::uint64_t chunk_end = chunk_start + size;
  std::uint64_t wanted_end = chunk_end;
  if (last_) wanted_end = std::min<std::uint64_t>(wanted_end, *last_ + 1);
  const std::uint64_t from = std::max(chunk_start, next_wanted());
  if (from >= wanted_end) return;
  const auto length = static_cast<std::size_t>(wanted_end - from);
  sink_(data + (from - chunk_start), length);
  delivered_ += length;
}

}  // namespace sigv4
