// This daemon's identity on the peer protocol: a long-term CURVE keypair
// kept in the state directory (docs/p2p.md §3), and the fingerprint people
// compare.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/peer.h"

namespace rocd::p2p {

/// A CURVE key: 32 raw bytes.
using RawKey = std::array<std::uint8_t, 32>;

/// The 40-character Z85 form of a key (libzmq's text form of CURVE keys).
std::string z85_of(const RawKey& key);
/// The raw key of a Z85 text; Errc::invalid_argument if it is not one.
Result<RawKey> key_of_z85(std::string_view text);

/// The first 16 bytes of SHA-256 of the raw key, lowercase hex in eight
/// groups of four joined by ':' ("242b:de83:...").
std::string fingerprint_of(const RawKey& public_key);

class Identity {
public:
    /// Name of the key file in the state directory.
    static constexpr std::string_view key_file = "p2p-key";

    /// The keypair in `state_dir`, made (and written, mode 0600,
    /// atomically) at the first start. A key file that other users can
    /// read, or that holds no key, stops start-up with what to do.
    static Result<Identity> load_or_create(const std::filesystem::path& state_dir);

    const RawKey& public_key() const { return public_; }
    /// Z85; the server key of the ROUTER and client key of every DEALER.
    const std::string& secret_key_z85() const { return secret_z85_; }
    /// What GET /peers/self shows.
    PeerKey peer_key() const { return {z85_of(public_), fingerprint_of(public_)}; }

private:
    Identity(RawKey public_key, std::string secret_z85)
        : public_(public_key), secret_z85_(std::move(secret_z85)) {}

    RawKey public_;
    std::string secret_z85_;
};

} // namespace rocd::p2p
