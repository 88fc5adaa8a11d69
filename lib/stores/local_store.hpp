// The embedded default store: a directory. `<base>/<key>` holds exactly the
// stored bytes (as the Go runner's filesystem store does); claimcheck's
// metadata sits beside it in the JSON sidecar `<base>/<key>.meta.json`.
// Writes are atomic (temp file, fsync, rename; order explained in
// local_store.cpp); the base is created with mode 0700, objects 0600. Keys
// that would leave the base (`..`, absolute paths, backslashes, NUL,
// symbolic links met on the way) are Error(InvalidInput); so are keys using
// the reserved names (a segment ending ".meta.json" or starting ".cctmp-").
// Listing is in key order and skips sidecars and temporary files.
#pragma once

#include <string>

#include "stores/store.hpp"

namespace claimcheck {

/// `base_dir` is made absolute; it is created on the first write.
std::unique_ptr<Store> make_local_store(const std::string& base_dir);

/// That store's location() ("file:///abs/dir"), without making the store.
std::string local_store_location(const std::string& base_dir);

}  // namespace claimcheck
