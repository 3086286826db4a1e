#include "transport/fec/block_writer.h"

#include <cstring>
#include <random>

#include "transport/fec/fec_packets.h"

namespace rocd::transport::fec {

namespace {

std::uint32_t pack_shape(std::size_t k, std::size_t r) {
    return static_cast<std::uint32_t>(k << 16 | r);
}

} // namespace

bool BlockWriter::valid_block_size(FecScheme scheme, std::size_t k, std::size_t r) {
    if (k + r > max_block_symbols || r < 1) {
        return false;
    }
    if (scheme == FecScheme::rs8m) {
        return k >= 1;
    }
    // LDPC-Staircase needs N1 = 7 ones per column (roc-send panics below).
    return k >= 2 && r >= 7;
}

BlockWriter::BlockWriter(IPacketWriter& next, FecScheme scheme, std::size_t k, std::size_t r,
                         std::optional<std::uint16_t> first_sbn)
    : next_(next), scheme_(scheme), encoder_(make_block_encoder(scheme)), pending_shape_(pack_shape(k, r)),
      sources_(new std::uint8_t[max_block_symbols * MaxPacketSize]), source_ptrs_(max_block_symbols),
      repair_ptrs_(max_block_symbols), repairs_(new std::uint8_t[max_block_symbols * MaxPacketSize]) {
    if (first_sbn) {
        sbn_ = *first_sbn;
    } else {
        std::random_device rd;
        sbn_ = rd() & 0xFFFF;
    }
    for (std::size_t i = 0; i < max_block_symbols; ++i) {
        source_ptrs_[i] = sources_.get() + i * MaxPacketSize;
        repair_ptrs_[i] = repairs_.get() + i * MaxPacketSize;
    }
    repair_.reset();
    begin_block();
    // The first block counts from first_sbn; begin_block() does not advance.
}

bool BlockWriter::set_block_size(std::size_t k, std::size_t r) {
    if (!valid_block_size(scheme_, k, r)) {
        return false;
    }
    pending_shape_.store(pack_shape(k, r), std::memory_order_relaxed);
    return true;
}

void BlockWriter::begin_block() {
    const std::uint32_t shape = pending_shape_.load(std::memory_order_relaxed);
    k_ = shape >> 16;
    r_ = shape & 0xFFFF;
    esi_ = 0;
    symbol_size_ = 0;
    broken_ = false;
}

void BlockWriter::write(Packet& packet) {
    const std::size_t footer = source_footer_size(scheme_);
    const std::size_t size = packet.size;
    if (esi_ == 0) {
        symbol_size_ = size;
    } else if (size != symbol_size_) {
        // Roc's writer stops for good here; rocd keeps sending the audio
        // and only leaves this block without repair.
        broken_ = true;
    }
    if (size + footer > MaxPacketSize) {
        broken_ = true;
    }
    if (!broken_) {
        std::memcpy(sources_.get() + esi_ * MaxPacketSize, packet.data.data(), size);
    }
    if (size + footer <= MaxPacketSize &&
        compose_source_footer(scheme_, sbn_, static_cast<std::uint16_t>(esi_), static_cast<std::uint16_t>(k_),
                              std::span<std::uint8_t>(packet.data.data() + size, footer))) {
        packet.fec.source_block_number = sbn_;
        packet.fec.encoding_symbol_id = static_cast<std::uint16_t>(esi_);
        packet.fec.source_block_length = static_cast<std::uint16_t>(k_);
        packet.fec.block_length = static_cast<std::uint16_t>(k_ + r_);
        packet.fec.payload_offset = 0;
        packet.fec.payload_size = static_cast<std::uint16_t>(size);
        packet.size = static_cast<std::uint16_t>(size + footer);
        packet.flags |= PacketFlag_Fec;
    }
    next_.write(packet);
    if (++esi_ == k_) {
        end_block();
    }
}

void BlockWriter::end_block() {
    if (broken_ || !encoder_->encode(std::span<const std::uint8_t* const>(source_ptrs_.data(), k_),
                                     std::span<std::uint8_t* const>(repair_ptrs_.data(), r_), symbol_size_)) {
        stats_.unprotected.fetch_add(k_, std::memory_order_relaxed);
    } else {
        const std::size_t header = repair_header_size(scheme_);
        for (std::size_t i = 0; i < r_; ++i) {
            repair_.reset();
            const auto esi = static_cast<std::uint16_t>(k_ + i);
            compose_repair_header(scheme_, sbn_, esi, static_cast<std::uint16_t>(k_),
                                  static_cast<std::uint16_t>(k_ + r_),
                                  std::span<std::uint8_t>(repair_.data.data(), header));
            std::memcpy(repair_.data.data() + header, repair_ptrs_[i], symbol_size_);
            repair_.size = static_cast<std::uint16_t>(header + symbol_size_);
            repair_.flags = PacketFlag_Fec | PacketFlag_Repair;
            repair_.fec.source_block_number = sbn_;
            repair_.fec.encoding_symbol_id = esi;
            repair_.fec.source_block_length = static_cast<std::uint16_t>(k_);
            repair_.fec.block_length = static_cast<std::uint16_t>(k_ + r_);
            repair_.fec.payload_offset = static_cast<std::uint16_t>(header);
            repair_.fec.payload_size = static_cast<std::uint16_t>(symbol_size_);
            next_.write(repair_);
        }
        stats_.repair_packets.fetch_add(r_, std::memory_order_relaxed);
    }
    stats_.blocks.fetch_add(1, std::memory_order_relaxed);
    sbn_ = (sbn_ + 1) & 0xFFFF;
    begin_block();
}

} // namespace rocd::transport::fec
