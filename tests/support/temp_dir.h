// A scratch directory for a test, removed with its contents.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>

#include <unistd.h>

namespace rocd::test {

/// A fresh directory under `base` ($TMPDIR or /tmp when empty), named <prefix>-XXXXXX.
class TempDir {
public:
    explicit TempDir(const std::string& prefix = "rocd-test", std::string base = {}) {
        if (base.empty()) {
            const char* tmpdir = std::getenv("TMPDIR");
            base = tmpdir != nullptr ? tmpdir : "/tmp";
        }
        std::string pattern = base + "/" + prefix + "-XXXXXX";
        if (::mkdtemp(pattern.data()) == nullptr) {
            throw std::runtime_error("mkdtemp failed");
        }
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

} // namespace rocd::test
