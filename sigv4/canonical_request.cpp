// Canonical request construction (see canonical_request.hpp).
#include "canonical_request.hpp"

#include <algorithm>
#include <map>

#include "base/text.hpp"

namespace sigv4::detail {

std::string trim_all(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  bool pending_space = false;
  for (const char c : value) {
    if (base::is_space(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}

std::string canonical_query(const QueryParameters& query) {
  QueryParameters encoded;
  encoded.reserve(query.size());
  for (const auto& [name, value] : query)
    encoded.emplace_back(uri_encode(name, false), uri_encode(value, false));
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out += '&';
    out += name;
    out += '=';
    out += value;
  }
  return out;
}

CanonicalHeaders canonical_headers(const std::vector<Header>& headers) {
  // std::map keeps the names sorted (byte order, as SigV4 requires).
  std::map<std::string, std::string> joined;
  for (const Header& header : headers) {
    auto [entry, inserted] = joined.try_emplace(base::to_lower(header.name));
    if (!inserted) entry->second += ',';
    entry->second += trim_all(header.value);
  }
  CanonicalHeaders out;
  for (const auto& [name, value] : joined) {
    out.block += name + ':' + value + '\n';
    if (!out.signed_names.empty()) out.signed_names += ';';
    out.signed_names += name;
  }
  return out;
}

std::string canonical_request(std::string_view method, std::string_view raw_path,
                              std::string_view canonical_query_string,
                              const CanonicalHeaders& headers,
                              std::string_view payload_hash) {
  std::string out;
  out.append(method).append("\n");
  out.append(uri_encode(raw_path, true)).append("\n");
  out.append(canonical_query_string).append("\n");
  out.append(headers.block).append("\n");
  out.append(headers.signed_names).append("\n");
  out.append(payload_hash);
  return out;
}

}  // namespace sigv4::detail
