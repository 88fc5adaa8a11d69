// The AWS shared files (~/.aws/credentials and ~/.aws/config), read for one
// profile: a fallback for credentials, region and endpoint.
#pragma once

#include <map>
#include <string>

#include "config/config.hpp"

namespace claimcheck {

struct AwsProfileValue {
  std::string value;
  std::string origin;  // "aws profile dev (/home/u/.aws/config:7)"
};

struct AwsProfile {
  std::string name;
  /// aws_access_key_id, aws_secret_access_key, aws_session_token, region,
  /// endpoint_url, ca_bundle. The credentials file wins over the config file.
  std::map<std::string, AwsProfileValue> values;

  const AwsProfileValue* find(const std::string& key) const;
};

/// The profile named by AWS_PROFILE (else "default"), from the files named by
/// AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE (else ~/.aws/...). Missing
/// files are fine; an AWS_PROFILE that names a profile found in neither file
/// is Error(Usage).
AwsProfile read_aws_profile(const Getenv& env);

}  // namespace claimcheck
