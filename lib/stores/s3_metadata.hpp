// ObjectMeta <-> S3 user metadata: x-amz-meta-claimcheck-original-size,
// -claimcheck-sha256, -claimcheck-compressed ("true"/"false"),
// -claimcheck-expires-at (RFC 3339), and the Content-Type header.
#pragma once

#include <map>
#include <string>

#include "stores/store.hpp"
#include "sigv4/s3_client.hpp"

namespace claimcheck {

sigv4::PutOptions to_put_options(const ObjectMeta& meta);

/// Values that do not parse (objects written by others) are left unset.
ObjectMeta from_s3_metadata(const std::map<std::string, std::string>& metadata,
                            const std::string& content_type);

}  // namespace claimcheck
