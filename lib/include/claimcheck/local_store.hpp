// The embedded default store: a directory. `<base>/<key>` holds exactly the
// stored bytes (as the Go runner's filesystem store does); claimcheck's
// metadata sits beside it in `<base>/<key>.ccmeta`... see local_store.cpp.
#pragma once

#include <string>

#include "claimcheck/store.hpp"

namespace claimcheck {

/// $XDG_DATA_HOME/claimcheck, else ~/.local/share/claimcheck.
std::string default_local_store_dir();

std::unique_ptr<Store> make_local_store(const std::string& base_dir);

}  // namespace claimcheck
