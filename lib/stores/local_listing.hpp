// Lists the local store's objects in key order (as S3 does), one page of at
// most 1000 at a time, skipping sidecars, temporary files, symbolic links
// and anything that is not a regular file.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "stores/store.hpp"

namespace claimcheck {

void list_local_tree(int base_fd, const std::string& prefix,
                     const std::function<bool(const std::vector<ObjectInfo>&)>& on_page,
                     std::size_t page_size = 1000);

/// The temporary files (kTempPrefix) of writes that never finished, and the
/// sidecars without their object such a write may leave, under `prefix`, in
/// the same order: key "<directory>/<name>", their mtime.
std::vector<ObjectInfo> list_local_temp_files(int base_fd, const std::string& prefix);

/// `name` in the directory `dir_fd` (the keys under it start with
/// `directory_key`, "" or ending in '/') is the sidecar (kSidecarSuffix) of a
/// key of claimcheck's layout whose object is not there.
bool is_orphan_sidecar(int dir_fd, std::string_view directory_key, std::string_view name);

}  // namespace claimcheck
