// Safe paths under the local store's base directory. A key is split into
// '/' segments and every directory on the way is opened with openat() and
// O_NOFOLLOW, so no key (whatever `..`, absolute path or symbolic link it
// holds) can reach outside the base.
#pragma once

#include "core/error.hpp"

#include <string>
#include <string_view>
#include <vector>

#include "core/posix_file.hpp"

namespace claimcheck {

/// Names reserved by the store: metadata sidecars and temporary files.
inline constexpr std::string_view kSidecarSuffix = ".meta.json";
inline constexpr std::string_view kTempPrefix = ".cctmp-";

bool is_reserved_name(std::string_view name);

/// The key's segments; Error(InvalidInput) for a key validate_key refuses
/// or a segment using a reserved name.
std::vector<std::string> key_segments(std::string_view key);

/// Opens the base directory; with `create`, makes it (and its parents) with
/// mode 0700. Returns an invalid fd when it is absent and not created.
UniqueFd open_base(const std::string& base, bool create);

/// A failed system call on the store's files: Error(Store), or, when this
/// process is out of descriptors, Error(Internal) naming the limit (exit 1,
/// as a socket at that limit): the store is not at fault.
Error local_store_error(std::string what, int error_number);

/// Making or opening `path` (under the store's directory `base`) failed with
/// `error_number`. A permission this user lacks, or a read-only file system,
/// makes the store's directory unusable: Error(Usage) naming it, as
/// open_base's errors do. Anything else (a full disk, EIO) is the store
/// failing: Error(Store).
[[noreturn]] void store_path_failed(const std::string& base, std::string_view action, std::string_view path,
                                    int error_number);

/// Attempts at a step that a concurrent remove() can undo by pruning a
/// directory it left empty (LocalStore::put): each is a few system calls,
/// and the directory is empty only until the step succeeds.
constexpr int kPruneRaceAttempts = 100;

/// Opens the directory that holds the key's last segment, walking from
/// `base_fd` (the store's directory `base`) without following symbolic links (Error(InvalidInput) when one
/// is met). With `create`, missing directories are made (0700), and a walk
/// that a concurrent prune undoes starts again (kPruneRaceAttempts);
/// without, a missing one gives an invalid fd.
UniqueFd open_parent(int base_fd, const std::string& base, const std::vector<std::string>& segments, bool create,
                     std::string_view key);

/// Error(InvalidInput) for a key that meets a symbolic link.
[[noreturn]] void symlink_refused(std::string_view key);

}  // namespace claimcheck
