#include "p2p/identity.h"

#include <cerrno>
#include <cstring>
#include <fstream>

#include <sodium.h>
#include <zmq.h>

#include "core/hex.h"
#include "store/state_files.h"

namespace rocd::p2p {

namespace {

constexpr std::size_t z85_length = 40;

Result<std::string> public_of(const std::string& secret_z85) {
    char public_z85[z85_length + 1] {};
    if (zmq_curve_public(public_z85, secret_z85.c_str()) != 0) {
        return fail(Errc::invalid_argument, std::string("not a CURVE secret key: ") + zmq_strerror(errno));
    }
    return std::string(public_z85);
}

} // namespace

std::string z85_of(const RawKey& key) {
    char text[z85_length + 1] {};
    zmq_z85_encode(text, key.data(), key.size());
    return text;
}

Result<RawKey> key_of_z85(std::string_view text) {
    RawKey key {};
    const std::string z(text);
    if (z.size() != z85_length || zmq_z85_decode(key.data(), z.c_str()) == nullptr) {
        return fail(Errc::invalid_argument, "not a Z85 CURVE key (40 characters)");
    }
    return key;
}

std::string fingerprint_of(const RawKey& public_key) {
    // Idempotent and thread-safe; libsodium asks for it before any use.
    static const int sodium = sodium_init();
    (void)sodium;
    std::uint8_t digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, public_key.data(), public_key.size());
    const std::string hex = to_hex(std::span(digest, 16));
    std::string out;
    for (std::size_t i = 0; i < hex.size(); i += 4) {
        out += (i == 0 ? "" : ":") + hex.substr(i, 4);
    }
    return out;
}

Result<Identity> Identity::load_or_create(const std::filesystem::path& state_dir) {
    const auto path = state_dir / key_file;
    const std::string advice =
        "; restore it from a backup, or delete it to make a new identity (paired peers "
        "will then show this daemon as key_mismatch until paired again)";
    if (!store::path_exists(path)) {
        char public_z85[z85_length + 1] {}, secret_z85[z85_length + 1] {};
        if (zmq_curve_keypair(public_z85, secret_z85) != 0) {
            return fail(Errc::unavailable,
                        std::string("cannot make a CURVE keypair (libzmq without CURVE?): ") +
                            zmq_strerror(errno));
        }
        if (auto written = store::write_file_atomically(path, std::string(secret_z85) + "\n"); !written) {
            return tl::unexpected(written.error());
        }
        auto raw = key_of_z85(public_z85);
        if (!raw) {
            return tl::unexpected(raw.error());
        }
        return Identity(*raw, secret_z85);
    }
    if (auto private_file = store::check_private_file(path, "run 'chmod 600' on it"); !private_file) {
        return tl::unexpected(private_file.error());
    }
    std::ifstream in(path);
    std::string secret;
    if (!in || !std::getline(in, secret)) {
        return fail(Errc::io, "cannot read " + path.string() + advice);
    }
    auto public_z85 = public_of(secret);
    if (secret.size() != z85_length || !public_z85) {
        return fail(Errc::io, path.string() + " holds no CURVE secret key" + advice);
    }
    auto raw = key_of_z85(*public_z85);
    if (!raw) {
        return tl::unexpected(raw.error());
    }
    return Identity(*raw, std::move(secret));
}

} // namespace rocd::p2p
