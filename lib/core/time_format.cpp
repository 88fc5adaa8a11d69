// RFC 3339 for references, keys and listings: base/time.hpp's parser, with
// a refused timestamp reported as invalid input.
#include "base/time.hpp"
#include "core/error.hpp"
#include "reference/reference.hpp"

namespace claimcheck {

TimePoint parse_rfc3339(std::string_view text) {
  try {
    return base::parse_rfc3339(text);
  } catch (const base::InvalidTimestamp& e) {
    throw Error(ErrorKind::InvalidInput, "invalid timestamp", e.what());
  }
}

}  // namespace claimcheck
