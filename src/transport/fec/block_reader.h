// Receiver FEC stage (WIRE.md §3, §7): collects the source and repair
// packets of a session per block and restores lost source packets as soon
// as the block's received symbols determine them.
#pragma once

#include <bitset>
#include <cstdint>
#include <memory>
#include <vector>

#include "transport/fec/block_codec.h"
#include "transport/fec/fec_scheme.h"
#include "transport/packet/packet_io.h"

namespace rocd::transport::fec {

/// Counters of a BlockReader (audio thread).
struct BlockReaderStats {
    std::uint64_t repair_received = 0;
    /// Source packets rebuilt and handed on.
    std::uint64_t restored = 0;
    /// Packets not used: block shape or symbol size inconsistent with the
    /// block's first packet, block already evicted (stale), or SBN jump.
    std::uint64_t dropped = 0;
    /// SBN jumps of more than MaxSbnJump (the window restarts there).
    std::uint64_t sbn_jumps = 0;
};

/// Keeps the last `Window` blocks of one sender. add_source() is given
/// every source packet the session accepted (data = `[RTP | footer]`,
/// fec fields parsed), add_repair() every repair packet routed to the
/// session. Restored packets (RTP only, PacketFlag_Restored) go to
/// `restored` immediately, from inside those calls, so they reach the
/// jitter buffer long before their playback deadline whenever the block's
/// symbols arrive in time. Never allocates after construction except the
/// codec's matrix for a new block shape (storage_'s pages are mapped on
/// first use, once per page for the session's life).
class BlockReader {
public:
    /// Blocks held at once (older ones are forgotten: their packets are
    /// past playback long before a 4th block completes at Roc's defaults).
    static constexpr std::size_t Window = 4;
    /// Roc's reader gives up on a larger SBN jump (roc_fec/reader.h).
    static constexpr int MaxSbnJump = 100;

    BlockReader(FecScheme scheme, IPacketWriter& restored);

    void add_source(const Packet& packet);
    void add_repair(const Packet& packet);
    /// Forgets every block (new session).
    void reset();

    const BlockReaderStats& stats() const { return stats_; }

private:
    struct Block {
        bool used = false;
        bool complete = false; // every source present (received or restored)
        std::uint32_t sbn = 0;
        std::uint16_t k = 0;
        std::uint16_t n = 0; // 0 while unknown (LDPC before its first repair)
        std::uint16_t symbol_size = 0;
        std::uint16_t sources = 0, repairs = 0;
        std::bitset<max_block_symbols> have;
        std::int64_t receive_time_ns = 0;
        address::SocketAddress address;
    };

    Block* block_for(const Packet& p);
    void add(const Packet& p, std::size_t esi, const std::uint8_t* symbol);
    void try_decode(Block& b, std::size_t slot);
    std::uint8_t* symbol(std::size_t slot, std::size_t esi) {
        return storage_.get() + (slot * max_block_symbols + esi) * MaxPacketSize;
    }

    FecScheme scheme_;
    IPacketWriter& restored_;
    std::unique_ptr<BlockDecoder> decoder_;
    Block blocks_[Window];
    // Room for the largest blocks (2 MiB), left uninitialised: the kernel
    // maps a page when a symbol first lands in it, so a session holds only
    // what its blocks' shape uses (a few hundred KiB at Roc's defaults, and
    // nothing while no sender is heard), and building one costs no memset.
    std::unique_ptr<std::uint8_t[]> storage_;
    std::vector<std::uint8_t*> outputs_;
    bool have_newest_ = false;
    std::uint16_t newest_ = 0; // low 16 bits of the newest SBN (Roc wraps at 16)
    Packet scratch_;
    BlockReaderStats stats_;
};

} // namespace rocd::transport::fec
