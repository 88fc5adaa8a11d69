// The canonical-request pieces of SigV4, S3 flavour. Private to sigv4/;
// exposed in a header so the tests can check each stage on its own.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sigv4/signer.hpp"

namespace sigv4::detail {

using QueryParameters = std::vector<std::pair<std::string, std::string>>;

/// Trims leading/trailing whitespace and collapses each inner run of
/// whitespace (space, tab, CR, LF, VT, FF) to one space.
std::string trim_all(std::string_view value);

/// Names and values encoded, sorted by encoded name then encoded value,
/// joined as name=value with '&'. A parameter without value gives "name=".
std::string canonical_query(const QueryParameters& query);

struct CanonicalHeaders {
  std::string block;         // "name:value\n" per distinct name, sorted
  std::string signed_names;  // "host;x-amz-date"
};

/// Lower-cases names, trims values, joins repeated names' values with ','
/// (in the order given), sorts by name.
CanonicalHeaders canonical_headers(const std::vector<Header>& headers);

/// The six lines: method, encoded path, query, headers, signed names, hash.
std::string canonical_request(std::string_view method, std::string_view raw_path,
                              std::string_view canonical_query_string,
                              const CanonicalHeaders& headers,
                              std::string_view payload_hash);

}  // namespace sigv4::detail
