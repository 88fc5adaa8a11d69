// The AWS shared files (~/.aws/credentials and ~/.aws/config): profiles,
// [sso-session] and [services] sections, read whole so that a profile can
// point at another (source_profile, sso_session, services).
#pragma once

#include <map>
#include <memory>
#include <string>

#include "config/config.hpp"

namespace claimcheck {

struct AwsProfileValue {
  std::string value;
  std::string origin;  // "aws profile dev (/home/u/.aws/config:7)"
  bool in_credentials_file = false;
  /// The same key of the same profile in the config file, which this one
  /// outranks (null when there is none): that file's keys are read as a
  /// source of their own, and -v names it when it is not used.
  std::shared_ptr<const AwsProfileValue> shadowed = nullptr;
};

using AwsValues = std::map<std::string, AwsProfileValue>;

/// One section's keys. An indented block under a key with no value is kept
/// apart, by that key ("sts =" then "  endpoint_url = ..." in [services]).
struct AwsSection {
  AwsValues values;
  std::map<std::string, AwsValues> nested;
  std::string origin;  // where its header is: "/home/u/.aws/config:3"

  const AwsProfileValue* find(const std::string& key) const;
  /// The key as one of the two files sets it (the credentials file's when
  /// `credentials_file`, else the config file's, outranked or not); null when
  /// that file does not.
  const AwsProfileValue* find_in_file(const std::string& key, bool credentials_file) const;
};

struct AwsSharedFiles {
  std::string credentials_path, config_path;  // "" when HOME is unknown and no variable names one
  /// By profile name; a key in the credentials file wins over the same key
  /// in the config file.
  std::map<std::string, AwsSection> profiles;
  std::map<std::string, AwsSection> sso_sessions;  // [sso-session name]
  std::map<std::string, AwsSection> services;      // [services name]

  const AwsSection* profile(const std::string& name) const;
};

/// Both files, from AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE (else
/// ~/.aws/...). Missing files are fine.
AwsSharedFiles read_aws_shared_files(const Getenv& env);

struct AwsProfile {
  std::string name;
  /// aws_access_key_id, aws_secret_access_key, aws_session_token, region,
  /// endpoint_url, ca_bundle... The credentials file wins over the config file.
  AwsValues values;

  const AwsProfileValue* find(const std::string& key) const;
};

/// Profile `name` of `files`. One that is missing is Error(Usage) naming
/// `named_by` ("AWS_PROFILE", "--profile") unless that is empty (the default
/// profile need not exist).
AwsProfile aws_profile(const AwsSharedFiles& files, const std::string& name, const std::string& named_by);

}  // namespace claimcheck
