// Safe paths under the local store's base directory. A key is split into
// '/' segments and every directory on the way is opened with openat() and
// O_NOFOLLOW, so no key (whatever `..`, absolute path or symbolic link it
// holds) can reach outside the base.
#pragma once

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

/// Attempts at a step that a concurrent remove() can undo by pruning a
/// directory it left empty (LocalStore::put): each is a few system calls,
/// and the directory is empty only until the step succeeds.
constexpr int kPruneRaceAttempts = 100;

/// Opens the directory that holds the key's last segment, walking from
/// `base_fd` without following symbolic links (Error(InvalidInput) when one
/// is met). With `create`, missing directories are made (0700), and a walk
/// that a concurrent prune undoes starts again (kPruneRaceAttempts);
/// without, a missing one gives an invalid fd.
UniqueFd open_parent(int base_fd, const std::vector<std::string>& segments, bool create,
                     std::string_view key);

/// Error(InvalidInput) for a key that meets a symbolic link.
[[noreturn]] void symlink_refused(std::string_view key);

}  // namespace claimcheck
