// Rows of the state database read back by a restarting daemon. The input
// is JSON, {"peers": [[...]], "ports": [[...]], "streams": [[...]]}, each
// row the table's columns in order; strings, integers, reals and null are
// bound as such, anything else as its JSON text; the string "SELF" stands
// for this daemon's peer uid (random in each state directory). The rows are
// written with the CHECK constraints off, as a file edited by hand can hold
// them (only STRICT column types and keys still hold); then the daemon
// restarts on them (the file checked, ports re-created, streams restored)
// and the API lists what it read. A row it cannot use refuses the start
// with a reason or is reported on its resource, never a 500 or a crash.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "fuzz/in_process_daemon.h"
#include "fuzz/private_network.h"
#include "store/database.h"

namespace {

using namespace rocd;
using nlohmann::json;
namespace http = api::http;

void bind(store::Statement& stmt, int index, const json& value, const Uid& self) {
    if (value == "SELF") {
        stmt.bind_text(index, self.str());
    } else if (value.is_string()) {
        stmt.bind_text(index, value.get_ref<const std::string&>());
    } else if (value.is_number_integer()) {
        stmt.bind_int(index, value.is_number_unsigned() ? std::int64_t(value.get<std::uint64_t>())
                                                        : value.get<std::int64_t>());
    } else if (value.is_number_float()) {
        stmt.bind_real(index, value.get<double>());
    } else if (value.is_boolean()) {
        stmt.bind_int(index, value.get<bool>() ? 1 : 0);
    } else if (value.is_null()) {
        stmt.bind_null(index);
    } else {
        stmt.bind_text(index, value.dump());
    }
}

void insert_rows(store::Database& db, const json& rows, const char* sql, std::size_t columns,
                 const Uid& self) {
    if (!rows.is_array()) {
        return;
    }
    for (const auto& row : rows) {
        if (!row.is_array() || row.size() != columns) {
            continue;
        }
        auto stmt = db.prepare(sql);
        if (!stmt) {
            std::abort();
        }
        for (std::size_t i = 0; i < columns; ++i) {
            bind(*stmt, static_cast<int>(i + 1), row[i], self);
        }
        (void)stmt->run(); // a type or key the table refuses: not a row a file can hold
    }
}

bool write_rows(store::Database& db, const json& doc, const Uid& self) {
    if (!db.exec("PRAGMA ignore_check_constraints = ON; BEGIN;")) {
        return false;
    }
    // Rows of 5 values leave the peer-protocol columns (schema 3) at their defaults.
    insert_rows(
        db, doc.value("peers", json()),
        "INSERT INTO peers (uid, display_name, is_self, created_at, updated_at) VALUES (?, ?, ?, ?, ?)", 5,
        self);
    insert_rows(db, doc.value("peers", json()),
                "INSERT INTO peers (uid, display_name, is_self, created_at, updated_at, public_key, trust, "
                "addresses, last_seen, protocol_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                10, self);
    insert_rows(db, doc.value("ports", json()),
                "INSERT INTO ports (uid, peer_uid, port_type, direction, driver, system_name, display_name, "
                "channels, rate, volume, mute, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                13, self);
    insert_rows(db, doc.value("streams", json()),
                "INSERT INTO streams (uid, spec, created_at, updated_at) VALUES (?, ?, ?, ?)", 4, self);
    return static_cast<bool>(db.exec("COMMIT; PRAGMA ignore_check_constraints = OFF;"));
}

// Back to this daemon's own peer and nothing else, for the next input.
void clear_rows(const std::filesystem::path& file, const Uid& self) {
    auto db = store::Database::open(file);
    if (!db || !db->exec("DELETE FROM streams; DELETE FROM ports; DELETE FROM peers WHERE uid != '" +
                         self.str() + "';")) {
        std::fprintf(stderr, "fuzz: cannot clear the rows\n");
        std::abort();
    }
}

api::Request get(std::string target) {
    api::Request req {http::verb::get, target, 11};
    req.set(http::field::host, "127.0.0.1:4040");
    return req;
}

void check(const api::Response& res, const std::string& target) {
    const bool json_body = !json::parse(res.body(), nullptr, false).is_discarded();
    if (res.result() == http::status::internal_server_error || !json_body) {
        std::fprintf(stderr, "fuzz: GET %s: %u %s\n", target.c_str(), res.result_int(), res.body().c_str());
        std::abort();
    }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz::enter_private_network();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static fuzz::InProcessDaemon daemon;
    const auto doc = json::parse(data, data + size, nullptr, false);
    if (!doc.is_object()) {
        return -1;
    }
    daemon.reset();
    clear_rows(daemon.database_path(), daemon.self_uid());
    {
        // A connection of the harness's own, as an operator's sqlite3 shell.
        auto db = store::Database::open(daemon.database_path());
        if (!db || !write_rows(*db, doc, daemon.self_uid())) {
            std::fprintf(stderr, "fuzz: cannot write the rows\n");
            std::abort();
        }
    }
    if (auto started = daemon.restart(); !started) {
        // Refused as a daemon start would be: the message must say why.
        if (started.error().message.empty()) {
            std::abort();
        }
        clear_rows(daemon.database_path(), daemon.self_uid());
        if (auto again = daemon.restart(); !again) {
            std::fprintf(stderr, "fuzz: cannot start on cleared rows: %s\n", again.error().message.c_str());
            std::abort();
        }
        return 0;
    }
    for (const std::string target : {"/peers", "/peers/self/ports", "/streams"}) {
        const auto res = daemon.serve(get(target));
        check(res, target);
        if (target == "/streams" && res.result() == http::status::ok) {
            for (const auto& stream : json::parse(res.body())) {
                const std::string one = stream.value("stream_uri", std::string("/streams/"));
                check(daemon.serve(get(one)), one);
            }
        }
    }
    return 0;
}
