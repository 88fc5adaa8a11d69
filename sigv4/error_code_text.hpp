// Words for the error codes AWS services answer with, for servers (radosgw)
// that leave <Message> empty: the user learns what to fix.
#pragma once

#include <string_view>

namespace sigv4 {

/// Why a request failed: the server's `message`, or when it left that empty
/// what `code` means (empty for a code without words here).
std::string_view error_reason(std::string_view code, std::string_view message);

}  // namespace sigv4
