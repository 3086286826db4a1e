// Sender FEC stage (WIRE.md §1, §3): groups RTP packets into blocks, adds
// the source FEC payload ID to each, and emits the block's repair packets
// right after its last source packet.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "transport/fec/block_codec.h"
#include "transport/fec/fec_scheme.h"
#include "transport/packet/packet_io.h"

namespace rocd::transport::fec {

/// Counters of a BlockWriter (any thread may read them).
struct BlockWriterStats {
    std::atomic<std::uint64_t> blocks {0};
    std::atomic<std::uint64_t> repair_packets {0};
    /// Source packets sent without repair: size changed mid-block, or the
    /// encoder refused the shape.
    std::atomic<std::uint64_t> unprotected {0};
};

/// IPacketWriter taking RTP packets (data = the RTP packet) and passing on
/// `[RTP | footer]` source packets and PacketFlag_Repair repair packets.
/// Like Roc's writer: k source packets per block, then r repairs in ESI
/// order; SBN random at start, +1 per block, 16-bit wrap. All storage is
/// allocated at construction; write() never allocates except the first
/// block of a new shape (the codec builds its matrix).
class BlockWriter final : public IPacketWriter {
public:
    /// `first_sbn`: fixed start (tests); random otherwise.
    BlockWriter(IPacketWriter& next, FecScheme scheme, std::size_t k, std::size_t r,
                std::optional<std::uint16_t> first_sbn = std::nullopt);

    void write(Packet& packet) override;

    /// Block size for the next block (any thread). False if the scheme
    /// cannot do it (RS8M: k ≥ 1, k + r ≤ 255; LDPC: k ≥ 2, r ≥ 7).
    bool set_block_size(std::size_t k, std::size_t r);

    static bool valid_block_size(FecScheme scheme, std::size_t k, std::size_t r);

    const BlockWriterStats& stats() const { return stats_; }
    /// SBN of the block being filled.
    std::uint32_t sbn() const { return sbn_; }

private:
    void begin_block();
    void end_block();

    IPacketWriter& next_;
    FecScheme scheme_;
    std::unique_ptr<BlockEncoder> encoder_;
    std::atomic<std::uint32_t> pending_shape_; // k << 16 | r
    std::size_t k_ = 0, r_ = 0;
    std::uint32_t sbn_ = 0;
    std::size_t esi_ = 0;
    std::size_t symbol_size_ = 0;
    bool broken_ = false;               // this block gets no repair packets
    // max_block_symbols × MaxPacketSize each, left uninitialised: only the
    // symbols a block uses become resident (a few dozen of 255), and every
    // symbol is written before the encoder reads it.
    std::unique_ptr<std::uint8_t[]> sources_;
    std::vector<const std::uint8_t*> source_ptrs_;
    std::vector<std::uint8_t*> repair_ptrs_;
    Packet repair_;
    std::unique_ptr<std::uint8_t[]> repairs_;
    BlockWriterStats stats_;
};

} // namespace rocd::transport::fec
