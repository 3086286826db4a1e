#include "api/access_token.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/rand.h>

namespace rocd::api {

namespace {

constexpr std::size_t token_bytes = 32;

Result<std::string> random_token() {
    unsigned char raw[token_bytes];
    if (RAND_bytes(raw, sizeof(raw)) != 1) {
        return fail(Errc::internal, "CSPRNG failure while creating the API token");
    }
    static constexpr char hex[] = "0123456789abcdef";
    std::string token;
    for (unsigned char byte : raw) {
        token.push_back(hex[byte >> 4]);
        token.push_back(hex[byte & 0x0f]);
    }
    return token;
}

Error os_error(const std::string& what, const std::filesystem::path& path) {
    return Error {Errc::io, what + " " + path.string() + ": " + std::strerror(errno), {}};
}

Result<std::string> write_token(const std::filesystem::path& state_dir) {
    auto token = random_token();
    if (!token) {
        return token;
    }
    const auto path = state_dir / access_token_file;
    const auto temp = state_dir / (std::string(access_token_file) + ".new");
    ::unlink(temp.c_str());
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        return tl::unexpected(os_error("cannot create", temp));
    }
    const std::string line = *token + "\n";
    const bool written =
        ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!written || ::rename(temp.c_str(), path.c_str()) != 0) {
        auto error = os_error("cannot write", path);
        ::unlink(temp.c_str());
        return tl::unexpected(error);
    }
    // The rename must reach the disk too, or a crash could bring back no file.
    const int dir = ::open(state_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
    return token;
}

} // namespace

Result<std::string> load_or_create_access_token(const std::filesystem::path& state_dir) {
    const auto path = state_dir / access_token_file;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        if (errno == ENOENT) {
            return write_token(state_dir);
        }
        return tl::unexpected(os_error("cannot read", path));
    }
    if ((st.st_mode & 077) != 0) {
        char mode[8];
        std::snprintf(mode, sizeof(mode), "%03o", static_cast<unsigned>(st.st_mode & 0777));
        return fail(Errc::io, path.string() + " is accessible to other users (mode " + mode +
                                  "); run 'chmod 600' on it or rotate the token with 'rocd --rotate-token'");
    }
    std::ifstream in(path);
    std::string token;
    if (!in || !std::getline(in, token) || token.size() < 32) {
        return fail(Errc::io, path.string() + " holds no valid token; rotate it with 'rocd --rotate-token'");
    }
    return token;
}

Result<std::string> rotate_access_token(const std::filesystem::path& state_dir) {
    return write_token(state_dir);
}

} // namespace rocd::api
