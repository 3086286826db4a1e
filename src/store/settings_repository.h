// Persistent daemon settings: a small key -> text map.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"
#include "store/timestamp.h"

namespace rocd::store {

class Database;

/// Typed access to the settings table. Every mutating call is committed (and
/// on disk) when it returns, unless the caller wraps it in a Transaction.
class SettingsRepository {
public:
    SettingsRepository(Database& db, Clock clock) : db_(&db), clock_(std::move(clock)) {}

    /// Errc::not_found if `key` is not set.
    Result<std::string> get(std::string_view key);

    /// Sets or replaces the value of `key`.
    Status set(std::string_view key, std::string_view value);

    /// Errc::not_found if `key` is not set.
    Status remove(std::string_view key);

    /// Every (key, value), ordered by key.
    Result<std::vector<std::pair<std::string, std::string>>> list();

private:
    Database* db_;
    Clock clock_;
};

} // namespace rocd::store
