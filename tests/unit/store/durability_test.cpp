// kill -9 during writes must never lose a change that was acknowledged,
// i.e. whose repository call (or Transaction::commit) had returned.
#include <csignal>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "child_process.h"
#include "store/store.h"
#include "temp_dir.h"

namespace rocd::store {
namespace {

using test::TempDir;

constexpr int rounds = 4;

std::string spec_of(const std::string& tag) {
    return R"({"tag":")" + tag + R"("})";
}

// The child side: writes forever, acknowledging each committed change by one
// line on `out` (a single write() below PIPE_BUF, so lines never tear).
// `batch` > 1 groups that many streams in one Transaction per ack.
[[noreturn]] void write_until_killed(const std::filesystem::path& dir, int round, int batch, int out) {
    auto store = Store::open(dir);
    if (!store) {
        test::write_all(out, "ERROR " + store.error().message + "\n");
        ::_exit(1);
    }
    for (int i = 0; i < 1'000'000; i++) {
        const std::string tag = std::to_string(round) + "-" + std::to_string(i);
        if (batch == 1) {
            if (!store->streams().insert({Uid::derive("stream", tag + "-0"), spec_of(tag + "-0")})) {
                ::_exit(2);
            }
            // The self peer's name records the last acknowledged insert.
            if (!store->peers().update_display_name(store->self_uid(), "last-" + std::to_string(i))) {
                ::_exit(2);
            }
        } else {
            auto txn = store->begin();
            if (!txn) {
                ::_exit(2);
            }
            for (int j = 0; j < batch; j++) {
                const std::string row = tag + "-" + std::to_string(j);
                if (!store->streams().insert({Uid::derive("stream", row), spec_of(row)})) {
                    ::_exit(2);
                }
            }
            if (!txn->commit()) {
                ::_exit(2);
            }
        }
        test::write_all(out, tag + "\n");
    }
    ::_exit(0);
}

// Reads whole lines from `fd` until `wanted` lines arrived (or EOF if
// wanted < 0), appending them to `lines`.
void read_lines(int fd, std::string& pending, std::vector<std::string>& lines, int wanted) {
    char buffer[4096];
    while (wanted < 0 || static_cast<int>(lines.size()) < wanted) {
        const ssize_t size = ::read(fd, buffer, sizeof(buffer));
        if (size <= 0) {
            return;
        }
        pending.append(buffer, static_cast<std::size_t>(size));
        std::size_t end = 0;
        while ((end = pending.find('\n')) != std::string::npos) {
            lines.push_back(pending.substr(0, end));
            pending.erase(0, end + 1);
        }
    }
}

// One round: start a writer, let it acknowledge a random number of changes,
// SIGKILL it at a random moment, and return every acknowledgement it made.
std::vector<std::string> kill_a_writer(const std::filesystem::path& dir, int round, int batch,
                                       std::mt19937& rng) {
    int fds[2];
    EXPECT_EQ(::pipe(fds), 0);
    const pid_t child = ::fork();
    EXPECT_GE(child, 0);
    if (child == 0) {
        ::close(fds[0]);
        write_until_killed(dir, round, batch, fds[1]);
    }
    ::close(fds[1]);
    std::string pending;
    std::vector<std::string> acks;
    read_lines(fds[0], pending, acks, std::uniform_int_distribution<int>(5, 40)(rng));
    std::this_thread::sleep_for(std::chrono::microseconds(std::uniform_int_distribution<int>(0, 3000)(rng)));
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    // Acks still in the pipe were made before the kill: they count too.
    read_lines(fds[0], pending, acks, -1);
    ::close(fds[0]);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "writer ended early, status " << status;
    for (const auto& ack : acks) {
        EXPECT_NE(ack.rfind("ERROR", 0), 0u) << ack;
    }
    return acks;
}

void expect_intact(Store& store) {
    auto stmt = store.database().prepare("PRAGMA integrity_check");
    ASSERT_TRUE(stmt && stmt->step().value());
    EXPECT_EQ(stmt->column_text(0), "ok");
}

TEST(Durability, kill_9_during_single_writes_never_loses_an_acknowledged_change) {
    const unsigned seed = std::random_device {}();
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937 rng(seed);
    TempDir dir;
    std::vector<std::string> all_acks;
    for (int round = 0; round < rounds; round++) {
        const auto acks = kill_a_writer(dir.path(), round, 1, rng);
        ASSERT_FALSE(acks.empty());
        all_acks.insert(all_acks.end(), acks.begin(), acks.end());

        auto store = Store::open(dir.path());
        ASSERT_TRUE(store) << store.error().message;
        expect_intact(*store);
        for (const auto& tag : all_acks) {
            auto stream = store->streams().get(Uid::derive("stream", tag + "-0"));
            ASSERT_TRUE(stream) << "acknowledged stream " << tag << " lost";
            EXPECT_EQ(stream->spec, spec_of(tag + "-0"));
        }
        // The name written after the last acknowledged insert is at least
        // as new as that insert.
        const std::string last_tag = acks.back();
        const int last_acked = std::stoi(last_tag.substr(last_tag.find('-') + 1));
        auto last = store->peers().self();
        ASSERT_TRUE(last);
        EXPECT_GE(std::stoi(last->display_name.substr(5)), last_acked);
    }
}

TEST(Durability, kill_9_during_transactions_keeps_acknowledged_ones_and_never_half_of_one) {
    constexpr int batch = 3;
    const unsigned seed = std::random_device {}();
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937 rng(seed);
    TempDir dir;
    std::set<std::string> acked;
    for (int round = 0; round < rounds; round++) {
        for (const auto& ack : kill_a_writer(dir.path(), round, batch, rng)) {
            acked.insert(ack);
        }
        auto store = Store::open(dir.path());
        ASSERT_TRUE(store) << store.error().message;
        expect_intact(*store);
        auto streams = store->streams().list();
        ASSERT_TRUE(streams);
        std::map<std::string, int> rows_per_batch;
        for (const auto& stream : *streams) {
            const std::string tag = stream.spec.substr(8, stream.spec.size() - 8 - 2); // {"tag":"...-j"}
            rows_per_batch[tag.substr(0, tag.rfind('-'))]++;
        }
        for (const auto& [tag, rows] : rows_per_batch) {
            EXPECT_EQ(rows, batch) << "transaction " << tag << " is half there";
        }
        for (const auto& tag : acked) {
            EXPECT_EQ(rows_per_batch.count(tag), 1u) << "acknowledged transaction " << tag << " lost";
        }
    }
}

} // namespace
} // namespace rocd::store
