// FEC Payload IDs as Roc Toolkit puts them on the wire (WIRE.md §3):
// RS8M (RFC 6865 / RFC 5510 with m = 8) and LDPC-Staircase (RFC 6816).
// Fields are host-order integers here; byte order is converted only in
// parse/compose, so the rest of the code never sees network order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace rocd::transport::fec {

/// RS8M payload ID, identical for source footers and repair headers:
/// SBN(24) | ESI(8) | k(16), 6 bytes, big-endian.
struct Rs8mPayloadId {
    static constexpr std::size_t size = 6;
    /// Largest k + r an RS code over GF(2^8) allows (OpenFEC's limit).
    static constexpr std::size_t max_n = 255;

    std::uint32_t sbn = 0; ///< source block number, 24 bits (Roc wraps it at 16)
    std::uint8_t esi = 0;  ///< 0..k-1 for source symbols, k..254 for repair symbols
    std::uint16_t k = 0;   ///< source block length, 1..254

    /// True when this ID names a source symbol (esi < k).
    bool is_source() const { return esi < k; }

    /// Parses the first `size` bytes of `bytes`. Rejects truncated input,
    /// k = 0, k >= 255 (no room for a repair symbol) and, as `source` says,
    /// a source ESI >= k or a repair ESI < k.
    static std::optional<Rs8mPayloadId> parse_source(std::span<const std::uint8_t> bytes);
    static std::optional<Rs8mPayloadId> parse_repair(std::span<const std::uint8_t> bytes);

    /// Writes the 6 bytes into `out` (which must hold at least `size`);
    /// returns false, writing nothing, if the fields are out of range.
    bool compose(std::span<std::uint8_t> out) const;
};

/// LDPC-Staircase source footer: SBN(16) | ESI(16) | k(16), 6 bytes.
struct LdpcSourcePayloadId {
    static constexpr std::size_t size = 6;

    std::uint16_t sbn = 0; ///< source block number
    std::uint16_t esi = 0; ///< 0..k-1
    std::uint16_t k = 0;   ///< source block length, >= 1

    /// Rejects truncated input, k = 0 and esi >= k.
    static std::optional<LdpcSourcePayloadId> parse(std::span<const std::uint8_t> bytes);
    /// Writes `size` bytes; false (nothing written) when out of range.
    bool compose(std::span<std::uint8_t> out) const;
};

/// LDPC-Staircase repair header: SBN(16) | ESI(16) | k(16) | n(16), 8 bytes.
struct LdpcRepairPayloadId {
    static constexpr std::size_t size = 8;

    std::uint16_t sbn = 0; ///< source block number
    std::uint16_t esi = 0; ///< k..n-1
    std::uint16_t k = 0;   ///< source block length, >= 1
    std::uint16_t n = 0;   ///< encoding block length k + r, > k

    /// Rejects truncated input, k = 0, n <= k and esi outside [k, n).
    static std::optional<LdpcRepairPayloadId> parse(std::span<const std::uint8_t> bytes);
    /// Writes `size` bytes; false (nothing written) when out of range.
    bool compose(std::span<std::uint8_t> out) const;
};

} // namespace rocd::transport::fec
