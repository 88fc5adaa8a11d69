// The one-line message is "<what>: <why>" so that what() is useful even when
// a caller only logs std::exception.
#include "core/error.hpp"

#include <utility>

namespace claimcheck {

namespace {
std::string one_line(const std::string& what_failed, const std::string& why) {
  if (why.empty()) return what_failed;
  if (what_failed.empty()) return why;
  return what_failed + ": " + why;
}
}  // namespace

Error::Error(ErrorKind kind, std::string what_failed, std::string why)
    : std::runtime_error(one_line(what_failed, why)),
      kind_(kind),
      what_failed_(std::move(what_failed)),
      why_(std::move(why)) {}

}  // namespace claimcheck
