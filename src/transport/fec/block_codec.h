// The interface both FEC codes implement: a block of k source symbols and r
// repair symbols, all `symbol_size` bytes long (WIRE.md §3). The packet
// stages (block writer/reader) sit on top of this and never see the codes.
#pragma once

#include "core/error.h"
#include "transport/fec/gf_kernels.h"

#include <array>
#include <bitset>
#include <cstddef>
#include <cstdint>
#include <span>

namespace rocd::transport::fec {

/// Largest k + r either codec accepts (the RS limit over GF(2^8); LDPC is
/// held to the same bound so its decoder can work with fixed-size bitsets).
inline constexpr std::size_t max_block_symbols = 255;

/// Largest symbol a decoder sizes its work buffers for by default (Roc's
/// packet pools hold 2048 bytes).
inline constexpr std::size_t default_max_symbol_size = 2048;

/// Computes the repair symbols of one block. Implementations keep their
/// per-k state (generator or parity-check matrix) between calls, so encoding
/// blocks of an unchanged shape allocates nothing.
class BlockEncoder {
public:
    virtual ~BlockEncoder() = default;

    /// Writes repairs[i] = repair symbol ESI k+i for k = sources.size() and
    /// r = repairs.size(). Every buffer holds `symbol_size` bytes; repair
    /// buffers must not overlap the sources. Fails with invalid_argument for
    /// a shape the code cannot do (k = 0, k + r > 255, LDPC r < 7 ...).
    virtual Status encode(std::span<const std::uint8_t* const> sources,
                          std::span<std::uint8_t* const> repairs, std::size_t symbol_size) = 0;
};

/// Restores the missing source symbols of one block from the received ones.
/// Use: begin(), add() every symbol received (in any order), decode().
/// Symbols are not copied: the buffers given to add() must stay valid and
/// unchanged until decode() returns. Nothing allocates after construction
/// except the first block of a new (k, r) shape, which builds that shape's
/// matrix.
class BlockDecoder {
public:
    virtual ~BlockDecoder() = default;

    /// Starts a block of k sources and r repairs (ESI 0..k+r-1).
    Status begin(std::size_t k, std::size_t r, std::size_t symbol_size);

    /// Registers symbol `esi` (a source if esi < k). A duplicate ESI is
    /// ignored; an ESI outside the block is invalid_argument.
    Status add(std::size_t esi, const std::uint8_t* data);

    /// Writes every missing source symbol that the received ones determine
    /// into sources[esi] (sources.size() == k; entries of received ESIs are
    /// not touched and may be null). Returns unavailable if some missing
    /// source cannot be determined: those buffers are left untouched (never
    /// guessed), and restored() tells which ones were written.
    Status decode(std::span<std::uint8_t* const> sources);

    /// True if `esi` was added since begin().
    bool received(std::size_t esi) const { return esi < n_ && received_[esi]; }
    /// True if source `esi` was written by the last decode().
    bool restored(std::size_t esi) const { return esi < k_ && restored_[esi]; }

    std::size_t k() const { return k_; }
    std::size_t r() const { return n_ - k_; }
    std::size_t symbol_size() const { return symbol_size_; }

protected:
    /// Checks that the code can do (k, r) and prepares its matrix.
    virtual Status prepare(std::size_t k, std::size_t r) = 0;
    /// Restores the missing sources; called only when at least one is missing.
    virtual Status decode_missing(std::span<std::uint8_t* const> sources) = 0;

    std::size_t k_ = 0;
    std::size_t n_ = 0;
    std::size_t symbol_size_ = 0;
    std::size_t max_symbol_size_ = default_max_symbol_size;
    std::array<const std::uint8_t*, max_block_symbols> data_ {};
    std::bitset<max_block_symbols> received_;
    std::bitset<max_block_symbols> restored_;
};

} // namespace rocd::transport::fec
