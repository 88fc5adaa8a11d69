// sigv4::S3Error -> claimcheck::Error: not-found becomes Error(NotFound),
// everything else Error(Store, "<operation> s3://bucket/key",
// "<code>: <message> (HTTP <status>)"). S3Error never carries a secret.
#pragma once

#include <string>

#include "core/error.hpp"
#include "sigv4/s3_client.hpp"

namespace claimcheck {

Error map_s3_error(const sigv4::S3Error& error, const std::string& operation,
                   const std::string& location);

}  // namespace claimcheck
