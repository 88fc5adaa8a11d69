// sigv4::S3Error -> claimcheck::Error: not-found becomes Error(NotFound),
// everything else Error(Store, "<operation> s3://bucket/key",
// "<code>: <reason> (HTTP <status>)", the reason being the server's message or
// S3Error's explanation of the code). S3Error never carries a secret, nor
// does CredentialsError.
#pragma once

#include <string>

#include "core/error.hpp"
#include "sigv4/credentials.hpp"
#include "sigv4/s3_client.hpp"

namespace claimcheck {

Error map_s3_error(const sigv4::S3Error& error, const std::string& operation,
                   const std::string& location);

/// Credentials that could not be had: Error(Usage) when the user must fix
/// the configuration, Error(Store) when the provider failed;
/// "credentials from <provider>: <why>" (or "no credentials: tried ...").
Error map_credentials_error(const sigv4::CredentialsError& error);

}  // namespace claimcheck
