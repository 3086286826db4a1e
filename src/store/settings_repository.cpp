#include "store/settings_repository.h"

#include "store/database.h"
#include "store/rows.h"

namespace rocd::store {

Result<std::string> SettingsRepository::get(std::string_view key) {
    auto stmt = db_->prepare("SELECT value FROM settings WHERE key = ?1");
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    stmt->bind_text(1, key);
    auto value =
        rows::fetch_one(*stmt, [](const Statement& s) -> Result<std::string> { return s.column_text(0); });
    if (!value) {
        return tl::unexpected(value.error());
    }
    if (!*value) {
        return fail(Errc::not_found, "setting '" + std::string(key) + "' not found");
    }
    return std::move(**value);
}

Status SettingsRepository::set(std::string_view key, std::string_view value) {
    auto stmt = db_->prepare(
        "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at");
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    stmt->bind_text(1, key).bind_text(2, value).bind_int(3, rows::to_millis(clock_()));
    if (auto done = stmt->run(); !done) {
        return tl::unexpected(rows::in_context(done.error(), "cannot set '" + std::string(key) + "'"));
    }
    return {};
}

Status SettingsRepository::remove(std::string_view key) {
    auto stmt = db_->prepare("DELETE FROM settings WHERE key = ?1");
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    stmt->bind_text(1, key);
    if (auto done = stmt->run(); !done) {
        return tl::unexpected(
            rows::in_context(done.error(), "cannot remove setting '" + std::string(key) + "'"));
    }
    if (db_->changes() == 0) {
        return fail(Errc::not_found, "setting '" + std::string(key) + "' not found");
    }
    return {};
}

Result<std::vector<std::pair<std::string, std::string>>> SettingsRepository::list() {
    auto stmt = db_->prepare("SELECT key, value FROM settings ORDER BY key");
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    return rows::fetch_all(*stmt, [](const Statement& s) -> Result<std::pair<std::string, std::string>> {
        return std::pair {s.column_text(0), s.column_text(1)};
    });
}

} // namespace rocd::store
