#include "transport/fec/block_reader.h"

#include <cstring>

#include "transport/rtp/parser.h"

namespace rocd::transport::fec {

namespace {

int sbn_diff(std::uint16_t from, std::uint16_t to) {
    return static_cast<std::int16_t>(static_cast<std::uint16_t>(to - from));
}

} // namespace

BlockReader::BlockReader(FecScheme scheme, IPacketWriter& restored)
    : scheme_(scheme), restored_(restored), decoder_(make_block_decoder(scheme)),
      storage_(new std::uint8_t[Window * max_block_symbols * MaxPacketSize]), outputs_(max_block_symbols) {
    scratch_.reset();
}

void BlockReader::reset() {
    for (auto& b : blocks_) {
        b = Block {};
    }
    have_newest_ = false;
}

BlockReader::Block* BlockReader::block_for(const Packet& p) {
    const std::uint32_t sbn = p.fec.source_block_number;
    const auto low = static_cast<std::uint16_t>(sbn);
    if (!have_newest_) {
        have_newest_ = true;
        newest_ = low;
    }
    const int d = sbn_diff(newest_, low);
    if (d > MaxSbnJump || d < -MaxSbnJump) {
        // A foreign or restarted stream: start over from here rather than
        // mixing its blocks with the old ones.
        ++stats_.sbn_jumps;
        reset();
        have_newest_ = true;
        newest_ = low;
    } else if (d <= -static_cast<int>(Window)) {
        ++stats_.dropped; // stale: its slot already holds a newer block
        return nullptr;
    } else if (d > 0) {
        newest_ = low;
    }
    Block& b = blocks_[low % Window];
    if (b.used && b.sbn == sbn) {
        return &b;
    }
    if (b.used && sbn_diff(static_cast<std::uint16_t>(b.sbn), low) < 0) {
        ++stats_.dropped; // the slot holds a newer block
        return nullptr;
    }
    b = Block {};
    b.used = true;
    b.sbn = sbn;
    b.k = p.fec.source_block_length;
    b.symbol_size = p.fec.payload_size;
    return &b;
}

void BlockReader::add_source(const Packet& p) {
    if (!p.has(PacketFlag_Fec) || p.has(PacketFlag_Repair) || p.has(PacketFlag_Restored)) {
        return;
    }
    add(p, p.fec.encoding_symbol_id, p.data.data() + p.fec.payload_offset);
}

void BlockReader::add_repair(const Packet& p) {
    if (!p.has(PacketFlag_Fec) || !p.has(PacketFlag_Repair)) {
        return;
    }
    ++stats_.repair_received;
    add(p, p.fec.encoding_symbol_id, p.data.data() + p.fec.payload_offset);
}

void BlockReader::add(const Packet& p, std::size_t esi, const std::uint8_t* data) {
    Block* b = block_for(p);
    if (b == nullptr) {
        return;
    }
    if (p.fec.source_block_length != b->k || p.fec.payload_size != b->symbol_size || b->symbol_size == 0 ||
        esi >= max_block_symbols) {
        ++stats_.dropped;
        return;
    }
    const bool repair = p.has(PacketFlag_Repair);
    if (repair && scheme_ == FecScheme::ldpc_staircase) {
        // The LDPC matrix depends on n: every repair of a block must agree.
        if (b->n == 0) {
            b->n = p.fec.block_length;
        } else if (b->n != p.fec.block_length) {
            ++stats_.dropped;
            return;
        }
    }
    if (b->have[esi]) {
        return;
    }
    const std::size_t slot = static_cast<std::size_t>(b - blocks_);
    std::memcpy(symbol(slot, esi), data, b->symbol_size);
    b->have[esi] = true;
    ++(repair ? b->repairs : b->sources);
    if (p.receive_time_ns > b->receive_time_ns) {
        b->receive_time_ns = p.receive_time_ns;
    }
    b->address = p.address;
    if (b->sources == b->k) {
        b->complete = true;
    }
    try_decode(*b, slot);
}

void BlockReader::try_decode(Block& b, std::size_t slot) {
    if (b.complete || b.repairs == 0 || std::size_t(b.sources) + b.repairs < b.k) {
        return;
    }
    std::size_t r;
    if (scheme_ == FecScheme::rs8m) {
        // No n on the wire: an RS repair row depends only on (k, ESI).
        r = max_block_symbols - b.k;
    } else {
        if (b.n <= b.k) {
            return;
        }
        r = b.n - b.k;
    }
    if (!decoder_->begin(b.k, r, b.symbol_size)) {
        return;
    }
    for (std::size_t esi = 0; esi < b.k + r; ++esi) {
        if (b.have[esi]) {
            decoder_->add(esi, symbol(slot, esi));
        }
    }
    for (std::size_t esi = 0; esi < b.k; ++esi) {
        outputs_[esi] = symbol(slot, esi);
    }
    (void)decoder_->decode(std::span<std::uint8_t* const>(outputs_.data(), b.k));
    for (std::size_t esi = 0; esi < b.k; ++esi) {
        if (!decoder_->restored(esi)) {
            continue;
        }
        b.have[esi] = true;
        ++b.sources;
        Packet& out = scratch_;
        out.reset();
        std::memcpy(out.data.data(), symbol(slot, esi), b.symbol_size);
        out.size = b.symbol_size;
        if (!rtp::Parser(0).parse(out)) {
            continue; // the sender protected something that is not RTP
        }
        out.flags |= PacketFlag_Restored | PacketFlag_Fec;
        out.fec.source_block_number = b.sbn;
        out.fec.encoding_symbol_id = static_cast<std::uint16_t>(esi);
        out.fec.source_block_length = b.k;
        out.fec.block_length = b.n;
        out.fec.payload_size = b.symbol_size;
        out.address = b.address;
        out.receive_time_ns = b.receive_time_ns;
        ++stats_.restored;
        restored_.write(out);
    }
    if (b.sources == b.k) {
        b.complete = true;
    }
}

} // namespace rocd::transport::fec
