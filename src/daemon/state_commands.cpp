#include "daemon/state_commands.h"

#include <cstdio>

#include "api/access_token.h"
#include "store/repair.h"

namespace rocd::daemon {

Status rotate_token(const config::Config& config) {
    std::error_code ec;
    std::filesystem::create_directories(config.state_dir, ec);
    if (ec) {
        return fail(Errc::io,
                    "cannot create state directory " + config.state_dir.string() + ": " + ec.message());
    }
    auto token = api::rotate_access_token(config.state_dir);
    if (!token) {
        return tl::unexpected(token.error());
    }
    std::printf("new API token written to %s\n", (config.state_dir / api::access_token_file).c_str());
    return {};
}

Status repair_state(const config::Config& config) {
    auto report = store::repair_state(config.state_dir);
    if (!report) {
        return tl::unexpected(report.error());
    }
    std::printf("state database repaired; the damaged file is kept as %s\n", report->damaged_copy.c_str());
    for (const auto& table : report->tables) {
        std::printf("  %-8s %lld row(s) kept", table.table.c_str(), static_cast<long long>(table.copied));
        if (table.refused > 0) {
            std::printf(", %lld refused as damaged or orphaned", static_cast<long long>(table.refused));
        }
        if (table.read_errors > 0) {
            std::printf(", %lld damaged stretch(es) skipped", static_cast<long long>(table.read_errors));
        }
        if (table.incomplete) {
            std::printf(", the rest could not be read");
        }
        std::printf("\n");
    }
    if (!report->identity_kept) {
        std::printf("this daemon's own peer record was lost: the next start creates a new peer uid\n");
    }
    return {};
}

} // namespace rocd::daemon
