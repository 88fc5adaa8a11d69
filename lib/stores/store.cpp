#include "stores/store.hpp"

#include "core/error.hpp"
#include "core/units.hpp"
#include "sigv4/limits.hpp"

namespace claimcheck {

void check_url_lifetime(std::chrono::seconds lifetime, const std::string& what) {
  if (lifetime < std::chrono::seconds(1) || lifetime > sigv4::kMaxPresignLifetime)
    throw Error(ErrorKind::Usage, what,
                "a presigned URL lives between 1s and " + format_duration(sigv4::kMaxPresignLifetime));
}

}  // namespace claimcheck
