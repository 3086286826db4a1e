#include "core/uid.h"

#include <array>
#include <cstdint>
#include <stdexcept>

#include <openssl/rand.h>
#include <openssl/sha.h>

namespace rocd {

namespace {

constexpr std::string_view alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
constexpr std::size_t group = 6;
constexpr std::size_t symbols = 18;
// Bytes at or above this would bias the modulo toward the first symbols.
constexpr unsigned reject_from = 256 - 256 % alphabet.size();

// Fills the 18 symbols of a uid from a byte source by rejection sampling, so
// every symbol is uniform whatever the source.
template <class NextByte> std::string make_uid_text(NextByte next_byte) {
    std::string out;
    out.reserve(Uid::length);
    std::size_t produced = 0;
    while (produced < symbols) {
        const unsigned byte = next_byte();
        if (byte >= reject_from) {
            continue;
        }
        if (produced > 0 && produced % group == 0) {
            out.push_back('-');
        }
        out.push_back(alphabet[byte % alphabet.size()]);
        produced++;
    }
    return out;
}

} // namespace

Uid Uid::random() {
    std::array<unsigned char, 64> pool {};
    std::size_t pos = pool.size();
    return Uid(make_uid_text([&]() -> unsigned {
        if (pos == pool.size()) {
            if (RAND_bytes(pool.data(), static_cast<int>(pool.size())) != 1) {
                // Without entropy no uid is safe to hand out; this cannot
                // happen on a working Linux system.
                throw std::runtime_error("CSPRNG failure");
            }
            pos = 0;
        }
        return pool[pos++];
    }));
}

Uid Uid::derive(std::string_view kind, std::string_view seed) {
    // digest(0) = SHA-256(kind || 0x00 || seed); digest(i+1) = SHA-256(digest(i)),
    // a stream long enough for rejection sampling.
    std::array<unsigned char, SHA256_DIGEST_LENGTH> digest {};
    std::string input;
    input.reserve(kind.size() + 1 + seed.size());
    input.append(kind);
    input.push_back('\0');
    input.append(seed);
    SHA256(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest.data());
    std::size_t pos = 0;
    return Uid(make_uid_text([&]() -> unsigned {
        if (pos == digest.size()) {
            std::array<unsigned char, SHA256_DIGEST_LENGTH> next {};
            SHA256(digest.data(), digest.size(), next.data());
            digest = next;
            pos = 0;
        }
        return digest[pos++];
    }));
}

bool Uid::is_valid(std::string_view text) {
    if (text.size() != length) {
        return false;
    }
    for (std::size_t i = 0; i < text.size(); i++) {
        const char c = text[i];
        if (i == 6 || i == 13) {
            if (c != '-') {
                return false;
            }
        } else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
            return false;
        }
    }
    return true;
}

Result<Uid> Uid::parse(std::string_view text) {
    if (!is_valid(text)) {
        return fail(Errc::invalid_argument,
                    "not a uid (expected xxxxxx-xxxxxx-xxxxxx of [a-z0-9]): '" + std::string(text) + "'");
    }
    return Uid(std::string(text));
}

} // namespace rocd
