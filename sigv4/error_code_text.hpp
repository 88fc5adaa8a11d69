// Words for the error codes AWS services answer with, for servers (radosgw)
// that leave <Message> empty: the user learns what to fix.
#pragma once

#include <string_view>

namespace sigv4 {

/// What `code` means, or empty for a code without words here.
std::string_view explain_error_code(std::string_view code);

}  // namespace sigv4
