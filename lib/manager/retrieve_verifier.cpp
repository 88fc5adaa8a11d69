#include "manager/retrieve_verifier.hpp"

#include <algorithm>
#include <string>

#include "base/text.hpp"
#include "core/error.hpp"

namespace claimcheck {
namespace {

Error integrity_error(const Reference& ref, const std::string& why) {
  return Error(ErrorKind::Integrity, "retrieve " + ref.key, why);
}

}  // namespace

VerifyingSink::VerifyingSink(const Reference& ref, ByteSink& out,
                             std::function<void(std::uint64_t)> progress)
    : ref_(ref), out_(out), progress_(std::move(progress)) {}

void VerifyingSink::write(const char* data, std::size_t size) {
  if (size > ref_.size_bytes - std::min(bytes_, ref_.size_bytes)) {
    throw integrity_error(ref_, "size mismatch: expected " + std::to_string(ref_.size_bytes) +
                                    " bytes, got more than " + std::to_string(ref_.size_bytes));
  }
  sha256_.update(data, size);
  out_.write(data, size);
  bytes_ += size;
  if (progress_) progress_(bytes_);
}

bool VerifyingSink::verify() {
  if (bytes_ != ref_.size_bytes) {
    throw integrity_error(ref_, "size mismatch: expected " + std::to_string(ref_.size_bytes) +
                                    " bytes, got " + std::to_string(bytes_));
  }
  if (!ref_.sha256) return false;
  // Which side changed, the object or the reference, is not for this end to know.
  const std::string digest = base::to_lower(sha256_.hex_digest());
  if (digest != base::to_lower(*ref_.sha256))
    throw integrity_error(ref_, "sha256 mismatch: the payload's sha256 is " + digest + ", the reference says " +
                                    *ref_.sha256);
  return true;
}

}  // namespace claimcheck
