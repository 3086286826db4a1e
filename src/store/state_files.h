// File-system steps on the state directory that must survive a crash.
#pragma once

#include <filesystem>
#include <string>

#include "core/error.h"

namespace rocd::store {

/// True if `path` names anything (a dangling symlink counts).
bool path_exists(const std::filesystem::path& path);

/// rename(2), with an error naming both paths.
Status rename_path(const std::filesystem::path& from, const std::filesystem::path& to);

/// unlink(2) of a file that may be absent.
Status remove_if_present(const std::filesystem::path& path);

/// fsync(2) of a directory, so that the renames and creations in it reach
/// the disk before what depends on them.
Status sync_directory(const std::filesystem::path& dir);

/// Errc::io if other users may read or write `path` (a secret: the API
/// token, the peer key), with `fix` appended to the message; OK if private.
Status check_private_file(const std::filesystem::path& path, const std::string& fix);

/// Writes `text` to `path` durably: a temporary file, fsync, rename, and the
/// directory synced; a crash leaves the old file or the new one.
Status write_file_atomically(const std::filesystem::path& path, const std::string& text);

} // namespace rocd::store
