// The proof of a shared network secret (docs/p2p.md §11): an HMAC that
// binds the secret to the prover's key, the verifier's key and the nonce of
// the verifier's latest hello, so that a proof is good for one verifier,
// one pair of keys and one hello.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "p2p/identity.h"
#include "p2p/pairing_code.h"

namespace rocd::p2p {

/// HMAC-SHA256 keyed with `secret`'s bytes over "rocd-fleet-v1" || prover
/// || verifier || verifier_nonce, lowercase hex (64 digits).
std::string fleet_mac(std::string_view secret, const RawKey& prover, const RawKey& verifier,
                      const Nonce& verifier_nonce);

/// Whether `mac` (as received, any text) is the proof above; compared in
/// constant time, so a wrong guess says nothing of how close it was.
bool fleet_mac_valid(std::string_view mac, std::string_view secret, const RawKey& prover,
                     const RawKey& verifier, const Nonce& verifier_nonce);

} // namespace rocd::p2p
