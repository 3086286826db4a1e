// The TXT record of rocd's `_rocd._tcp` DNS-SD service (docs/p2p.md §16.1):
// built for this daemon, read back from what the LAN announces. Pure
// functions, so that every hostile value can be tested without Avahi.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/uid.h"
#include "p2p/hello.h"
#include "p2p/identity.h"

namespace rocd::discovery {

/// What one announcement says of a peer; its address comes from the SRV
/// and address records, not from the TXT record.
struct Announcement {
    Uid uid;
    p2p::RawKey public_key {};
    p2p::VersionRange versions;
};

/// The TXT record's strings ("key=value", RFC 6763 §6.3), `txtvers` first.
std::vector<std::string> txt_record(const Uid& uid, const p2p::RawKey& public_key,
                                    const p2p::VersionRange& versions);

/// Reads a TXT record from the network: every string is untrusted.
/// Errc::invalid_argument (with why) for a record rocd must ignore: one
/// over its size limits, a `txtvers` other than 1, a missing or malformed
/// `uid`, `v` or `pk`, or an `fp` that is not the fingerprint of `pk`.
/// Keys are matched without regard to case and only the first occurrence
/// of a key counts (RFC 6763 §6.4); unknown keys are ignored.
Result<Announcement> parse_txt_record(const std::vector<std::string>& strings);

/// Limits of what parse_txt_record reads: a DNS character-string is at most
/// 255 bytes, and RFC 6763 §6.2 calls more than 1300 bytes in all unwise.
inline constexpr std::size_t max_txt_string = 255;
inline constexpr std::size_t max_txt_bytes = 1300;

} // namespace rocd::discovery
