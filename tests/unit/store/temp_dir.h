// Scratch directories and file helpers for the store tests.
#pragma once

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "store/timestamp.h"
#include "support/temp_dir.h"

namespace rocd::store::test {

using rocd::test::TempDir;

inline std::string read_bytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void write_bytes(const std::filesystem::path& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

/// A clock that only moves when told to, for exact created/updated checks.
class FakeClock {
public:
    explicit FakeClock(std::int64_t start_ms = 1'700'000'000'000)
        : now_(std::chrono::milliseconds(start_ms)) {}
    void advance(std::chrono::milliseconds step) { now_ += step; }
    Timestamp now() const { return now_; }
    Clock clock() {
        return [this] { return now_; };
    }

private:
    Timestamp now_;
};

} // namespace rocd::store::test
