// A damaged state directory is refused, naming the file and what to do, and
// `rocd --repair-state` rebuilds it from what is left.
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/database.h"
#include "store/repair.h"
#include "store/store.h"
#include "temp_dir.h"

namespace rocd::store {
namespace {

using test::TempDir;
using ::testing::HasSubstr;

constexpr int ports_stored = 200;

PortRecord port_named(const Uid& peer, int n) {
    PortRecord port {Uid::random(), peer};
    port.port_type = PortType::virtual_device;
    port.direction = PortDirection::output;
    port.driver = "mock";
    port.system_name = "rocd.virtual." + std::to_string(n);
    // Long enough that the table spans several pages.
    port.display_name = "Virtual speaker number " + std::to_string(n) + std::string(60, '.');
    port.channels = 2;
    port.rate = 48000;
    port.volume = 1.0;
    port.mute = false;
    return port;
}

// A state directory with this daemon's peer, many ports and two streams;
// returns the peer uid. The store is closed (and checkpointed) on return.
std::string fill(const std::filesystem::path& dir) {
    auto store = Store::open(dir);
    EXPECT_TRUE(store) << store.error().message;
    for (int n = 0; n < ports_stored; n++) {
        EXPECT_TRUE(store->ports().insert(port_named(store->self_uid(), n)));
    }
    for (int n = 0; n < 2; n++) {
        EXPECT_TRUE(store->streams().insert({Uid::random(), R"({"n":)" + std::to_string(n) + "}"}));
    }
    return store->self_uid().str();
}

struct Page {
    std::int64_t number = 0;
    std::int64_t size = 0;
};

// Pages of `name` (a table or an index) as SQLite's dbstat table lists them.
std::vector<Page> pages_of(const std::filesystem::path& dir, const std::string& name, const char* type) {
    auto store = Store::open(dir);
    EXPECT_TRUE(store) << store.error().message;
    auto stmt =
        store->database().prepare("SELECT pageno, pgsize FROM dbstat WHERE name = ?1 AND pagetype = ?2 "
                                  "ORDER BY pageno");
    EXPECT_TRUE(stmt);
    stmt->bind_text(1, name).bind_text(2, type);
    std::vector<Page> pages;
    while (stmt->step().value()) {
        pages.push_back({stmt->column_int(0), stmt->column_int(1)});
    }
    return pages;
}

void overwrite(const std::filesystem::path& file, std::int64_t offset, const std::string& bytes) {
    std::fstream io(file, std::ios::in | std::ios::out | std::ios::binary);
    io.seekp(offset);
    io.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    ASSERT_TRUE(io.good());
}

void scribble_on(const std::filesystem::path& file, const Page& page) {
    std::string garbage(static_cast<std::size_t>(page.size), '\0');
    for (std::size_t i = 0; i < garbage.size(); i++) {
        garbage[i] = static_cast<char>((i * 131 + 7) & 0xff);
    }
    overwrite(file, (page.number - 1) * page.size, garbage);
}

std::filesystem::path damaged_copy_in(const std::filesystem::path& dir) {
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        const auto name = entry.path().filename().string();
        if (name.rfind("rocd.db.damaged-", 0) == 0 && name.find("-wal") == std::string::npos) {
            return entry.path();
        }
    }
    return {};
}

TEST(DamagedState, a_zero_length_database_is_refused_not_taken_as_new) {
    TempDir dir;
    fill(dir.path());
    std::filesystem::resize_file(dir / Store::database_file, 0);
    std::filesystem::remove(dir / "rocd.db-wal");
    auto store = Store::open(dir.path());
    ASSERT_FALSE(store);
    EXPECT_EQ(store.error().code, Errc::io);
    EXPECT_THAT(store.error().message, HasSubstr((dir / Store::database_file).string()));
    EXPECT_THAT(store.error().message, HasSubstr("empty (0 bytes)"));
    EXPECT_THAT(store.error().message, HasSubstr("--repair-state"));
    EXPECT_EQ(std::filesystem::file_size(dir / Store::database_file), 0u);
}

TEST(DamagedState, a_new_database_appears_complete_or_not_at_all) {
    TempDir dir;
    // What a crash in the middle of a first start leaves behind.
    test::write_bytes(dir / "rocd.db.new", "half a database");
    auto store = Store::open(dir.path());
    ASSERT_TRUE(store) << store.error().message;
    EXPECT_FALSE(std::filesystem::exists(dir / "rocd.db.new"));
    EXPECT_TRUE(store->self_peer());
}

TEST(DamagedState, a_write_ahead_log_without_its_database_is_refused) {
    TempDir dir;
    fill(dir.path());
    {
        // Leave a log behind: the database gone, its log still there.
        auto store = Store::open(dir.path());
        ASSERT_TRUE(store);
        std::filesystem::copy_file(dir / "rocd.db-wal", dir / "kept-wal");
    }
    std::filesystem::remove(dir / Store::database_file);
    std::filesystem::rename(dir / "kept-wal", dir / "rocd.db-wal");
    auto store = Store::open(dir.path());
    ASSERT_FALSE(store);
    EXPECT_THAT(store.error().message, HasSubstr("write-ahead log"));
    EXPECT_FALSE(std::filesystem::exists(dir / Store::database_file));
}

TEST(DamagedState, garbage_in_a_table_page_is_refused_at_open_naming_the_file) {
    TempDir dir;
    fill(dir.path());
    const auto leaves = pages_of(dir.path(), "ports", "leaf");
    ASSERT_GE(leaves.size(), 3u);
    scribble_on(dir / Store::database_file, leaves[1]);
    const auto before = test::read_bytes(dir / Store::database_file);

    auto store = Store::open(dir.path());
    ASSERT_FALSE(store);
    EXPECT_EQ(store.error().code, Errc::io);
    EXPECT_THAT(store.error().message, HasSubstr((dir / Store::database_file).string() + " is damaged"));
    EXPECT_THAT(store.error().message, HasSubstr("quick_check"));
    EXPECT_THAT(store.error().message, HasSubstr("rocd --repair-state"));
    EXPECT_EQ(test::read_bytes(dir / Store::database_file), before) << "the refused file is untouched";
}

TEST(DamagedState, an_index_that_disagrees_with_its_table_is_found_by_the_full_check) {
    TempDir dir;
    std::string peer;
    {
        auto store = Store::open(dir.path());
        ASSERT_TRUE(store);
        ASSERT_TRUE(store->ports().insert(port_named(store->self_uid(), 1)));
        peer = store->self_uid().str();
    }
    // One entry in the index: change a character of the peer uid it holds.
    // The page stays well-formed, so only integrity_check sees it.
    const auto index = pages_of(dir.path(), "ports_by_peer", "leaf");
    ASSERT_EQ(index.size(), 1u);
    const auto file = dir / Store::database_file;
    const auto bytes = test::read_bytes(file);
    const auto page_start = static_cast<std::size_t>((index[0].number - 1) * index[0].size);
    const auto at = bytes.find(peer, page_start);
    ASSERT_NE(at, std::string::npos);
    ASSERT_LT(at, page_start + static_cast<std::size_t>(index[0].size));
    const char last = bytes[at + peer.size() - 1];
    overwrite(file, static_cast<std::int64_t>(at + peer.size() - 1), std::string(1, last == 'a' ? 'b' : 'a'));

    ASSERT_TRUE(Store::open(dir.path())) << "quick_check does not compare indexes with tables";
    auto store = Store::open(dir.path(), {.check = IntegrityCheck::full});
    ASSERT_FALSE(store);
    EXPECT_THAT(store.error().message, HasSubstr("integrity_check"));
    EXPECT_THAT(store.error().message, HasSubstr("ports_by_peer"));
}

TEST(DamagedState, repair_keeps_every_readable_row_and_the_damaged_file) {
    TempDir dir;
    const auto peer = fill(dir.path());
    const auto leaves = pages_of(dir.path(), "ports", "leaf");
    ASSERT_GE(leaves.size(), 3u);
    scribble_on(dir / Store::database_file, leaves[1]);
    const auto damaged_bytes = test::read_bytes(dir / Store::database_file);

    auto report = repair_state(dir.path());
    ASSERT_TRUE(report) << report.error().message;
    EXPECT_TRUE(report->identity_kept);
    ASSERT_EQ(report->tables.size(), 6u);
    EXPECT_EQ(report->tables[0].table, "peers");
    EXPECT_EQ(report->tables[0].copied, 1);
    EXPECT_EQ(report->tables[1].table, "ports");
    EXPECT_GT(report->tables[1].copied, 0);
    EXPECT_LT(report->tables[1].copied, ports_stored) << "the rows on the damaged page are lost";
    EXPECT_GT(report->tables[1].read_errors, 0);
    EXPECT_EQ(report->tables[2].table, "streams");
    EXPECT_EQ(report->tables[2].copied, 2);
    EXPECT_EQ(report->tables[3].table, "stream_stops");
    EXPECT_EQ(report->tables[3].copied, 0);
    EXPECT_EQ(report->tables[4].table, "stream_tombstones");
    EXPECT_EQ(report->tables[4].copied, 0);
    EXPECT_EQ(report->tables[5].table, "stream_references");
    EXPECT_EQ(report->tables[5].copied, 0);

    EXPECT_EQ(report->damaged_copy, damaged_copy_in(dir.path()));
    EXPECT_EQ(test::read_bytes(report->damaged_copy), damaged_bytes);

    auto store = Store::open(dir.path(), {.check = IntegrityCheck::full});
    ASSERT_TRUE(store) << store.error().message;
    EXPECT_EQ(store->self_uid().str(), peer);
    EXPECT_EQ(static_cast<std::int64_t>(store->ports().list().value().size()), report->tables[1].copied);
    EXPECT_EQ(store->streams().list().value().size(), 2u);
}

// Found by fuzz_store: SQLite holds any text as a key, and a daemon that
// started on a peer row whose uid it cannot parse answered 500 to every
// GET /peers.
TEST(DamagedState, a_key_that_is_not_a_uid_is_refused_at_open_and_dropped_by_repair) {
    TempDir dir;
    const auto peer = fill(dir.path());
    {
        auto db = Database::open(dir / Store::database_file);
        ASSERT_TRUE(db);
        ASSERT_TRUE(
            db->exec("INSERT INTO peers (uid, display_name, is_self, created_at, updated_at) "
                     "VALUES ('dddddd-eeeeeSpeake-ffffff', 'Other', 0, 1, 2);"
                     "INSERT INTO ports SELECT 'Upper-case-not-a-uid', peer_uid, port_type, direction, "
                     "driver, 'x', display_name, channels, rate, volume, mute, created_at, updated_at "
                     "FROM ports LIMIT 1;"
                     "INSERT INTO streams VALUES ('aaaaaa-bbbbbb-cccccc', '{}', 1, 2);"));
    }
    auto refused = Store::open(dir.path());
    ASSERT_FALSE(refused);
    EXPECT_THAT(refused.error().message, HasSubstr((dir / Store::database_file).string()));
    EXPECT_THAT(refused.error().message, HasSubstr("2 rows whose key is not a uid"));
    EXPECT_THAT(refused.error().message, HasSubstr("peers row"));
    EXPECT_THAT(refused.error().message, HasSubstr("'dddddd-eeeeeSpeake-ffffff'"));
    EXPECT_THAT(refused.error().message, HasSubstr("--repair-state"));

    auto report = repair_state(dir.path());
    ASSERT_TRUE(report) << report.error().message;
    EXPECT_TRUE(report->identity_kept);
    EXPECT_EQ(report->tables[0].copied, 1);
    EXPECT_EQ(report->tables[0].refused, 1);
    EXPECT_EQ(report->tables[1].copied, ports_stored);
    EXPECT_EQ(report->tables[1].refused, 1);
    EXPECT_EQ(report->tables[2].copied, 3) << "a well-formed uid stays, whatever its spec holds";
    auto store = Store::open(dir.path());
    ASSERT_TRUE(store) << store.error().message;
    EXPECT_EQ(store->self_uid().str(), peer);
    EXPECT_EQ(store->peers().list().value().size(), 1u);
}

TEST(DamagedState, repair_of_a_lost_root_page_says_the_identity_is_gone) {
    TempDir dir;
    fill(dir.path());
    const auto peers = pages_of(dir.path(), "peers", "leaf");
    ASSERT_EQ(peers.size(), 1u);
    scribble_on(dir / Store::database_file, peers[0]);

    auto report = repair_state(dir.path());
    ASSERT_TRUE(report) << report.error().message;
    EXPECT_FALSE(report->identity_kept);
    EXPECT_EQ(report->tables[0].copied, 0);
    EXPECT_TRUE(report->tables[0].incomplete);
    EXPECT_EQ(report->tables[1].copied, 0) << "ports without their peer are refused";
    EXPECT_EQ(report->tables[1].refused, ports_stored);
    EXPECT_EQ(report->tables[2].copied, 2);
}

TEST(DamagedState, repair_refuses_a_file_with_nothing_to_read) {
    TempDir dir;
    fill(dir.path());
    std::filesystem::remove(dir / "rocd.db-wal");
    test::write_bytes(dir / Store::database_file, std::string(8192, 'x'));
    auto report = repair_state(dir.path());
    ASSERT_FALSE(report);
    EXPECT_THAT(report.error().message, HasSubstr("move it away"));
    EXPECT_EQ(test::read_bytes(dir / Store::database_file), std::string(8192, 'x'));
    EXPECT_TRUE(damaged_copy_in(dir.path()).empty());
}

TEST(DamagedState, repair_refuses_while_a_daemon_holds_the_directory) {
    TempDir dir;
    fill(dir.path());
    auto running = Store::open(dir.path());
    ASSERT_TRUE(running);
    auto report = repair_state(dir.path());
    ASSERT_FALSE(report);
    EXPECT_EQ(report.error().code, Errc::unavailable);
}

TEST(DamagedState, an_interrupted_swap_is_finished_by_the_next_open) {
    TempDir dir;
    const auto peer = fill(dir.path());
    {
        // A complete repaired database, as the repair leaves it before the swap.
        auto store = Store::open(dir.path());
        ASSERT_TRUE(store);
        ASSERT_TRUE(store->database().exec("VACUUM INTO '" + (dir / "rocd.db.repair").string() + "'"));
    }
    // The swap stopped after the marker and the log were moved.
    test::write_bytes(dir / "rocd.db.repair-swap", "rocd.db.damaged-20261204T000000Z\n");
    test::write_bytes(dir / "rocd.db.damaged-20261204T000000Z-wal", "");
    std::filesystem::remove(dir / "rocd.db-wal");

    auto store = Store::open(dir.path());
    ASSERT_TRUE(store) << store.error().message;
    EXPECT_EQ(store->self_uid().str(), peer);
    EXPECT_FALSE(std::filesystem::exists(dir / "rocd.db.repair-swap"));
    EXPECT_FALSE(std::filesystem::exists(dir / "rocd.db.repair"));
    EXPECT_TRUE(std::filesystem::exists(dir / "rocd.db.damaged-20261204T000000Z"));
    EXPECT_EQ(store->ports().list().value().size(), static_cast<std::size_t>(ports_stored));
}

} // namespace
} // namespace rocd::store
