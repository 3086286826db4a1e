// Whether the state database can be trusted before the daemon builds on it.
#pragma once

#include <filesystem>
#include <string>

#include "core/error.h"
#include "store/database.h"

namespace rocd::store {

/// How thoroughly Store::open checks the file.
enum class IntegrityCheck {
    /// PRAGMA quick_check: every page and record well-formed; milliseconds
    /// for a daemon's state.
    quick,
    /// PRAGMA integrity_check: also that every index matches its table.
    full,
};

/// Runs the check; a damaged file fails with Errc::io naming the file, the
/// first problems SQLite found and what the operator can do.
Status check_integrity(Database& db, IntegrityCheck check);

/// What to tell an operator whose state database `path` is damaged.
std::string repair_advice(const std::filesystem::path& path);

} // namespace rocd::store
