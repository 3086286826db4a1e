#include "api/access_token.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include <sys/stat.h>

#include <openssl/rand.h>

#include "core/hex.h"
#include "store/state_files.h"

namespace rocd::api {

namespace {

constexpr std::size_t token_bytes = 32;

Result<std::string> random_token() {
    std::uint8_t raw[token_bytes];
    if (RAND_bytes(raw, sizeof(raw)) != 1) {
        return fail(Errc::internal, "CSPRNG failure while creating the API token");
    }
    return to_hex(raw);
}

Error os_error(const std::string& what, const std::filesystem::path& path) {
    return Error {Errc::io, what + " " + path.string() + ": " + std::strerror(errno), {}};
}

Status write_token(const std::filesystem::path& state_dir, const std::string& token) {
    return store::write_file_atomically(state_dir / access_token_file, token + "\n");
}

} // namespace

Result<AccessToken> load_access_token(const std::filesystem::path& state_dir) {
    const auto path = state_dir / access_token_file;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        if (errno == ENOENT) {
            auto token = random_token();
            if (!token) {
                return tl::unexpected(token.error());
            }
            return AccessToken {std::move(*token), false};
        }
        return tl::unexpected(os_error("cannot read", path));
    }
    if (auto private_file = store::check_private_file(
            path, "run 'chmod 600' on it or rotate the token with 'rocd --rotate-token'");
        !private_file) {
        return tl::unexpected(private_file.error());
    }
    std::ifstream in(path);
    std::string token;
    if (!in || !std::getline(in, token) || token.size() < 32) {
        return fail(Errc::io, path.string() + " holds no valid token; rotate it with 'rocd --rotate-token'");
    }
    return AccessToken {std::move(token), true};
}

Status store_access_token(const std::filesystem::path& state_dir, const std::string& token) {
    return write_token(state_dir, token);
}

Result<std::string> rotate_access_token(const std::filesystem::path& state_dir) {
    auto token = random_token();
    if (!token) {
        return token;
    }
    if (auto written = write_token(state_dir, *token); !written) {
        return tl::unexpected(written.error());
    }
    return token;
}

} // namespace rocd::api
