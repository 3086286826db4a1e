// The fixed RTP header (RFC 3550 §5.1) as it sits on the wire. Accessors
// convert byte order at the edge so no other code sees network order.
#pragma once

#include <cstddef>
#include <cstdint>

#include "transport/core/byte_order.h"

namespace rocd::transport::rtp {

/// 12-byte fixed header; overlay it on packet bytes (alignment 1).
class Header {
public:
    static constexpr std::size_t Size = 12;
    static constexpr std::uint8_t Version = 2;

    std::uint8_t version() const { return b0_ >> 6; }
    bool padding() const { return (b0_ & 0x20) != 0; }
    bool extension() const { return (b0_ & 0x10) != 0; }
    std::uint8_t csrc_count() const { return b0_ & 0x0f; }
    bool marker() const { return (b1_ & 0x80) != 0; }
    std::uint8_t payload_type() const { return b1_ & 0x7f; }
    std::uint16_t seqnum() const { return core::load_be16(seq_); }
    std::uint32_t timestamp() const { return core::load_be32(ts_); }
    std::uint32_t ssrc() const { return core::load_be32(ssrc_); }

    /// Sets V=2 and clears P, X, CC, M, PT.
    void clear() { b0_ = Version << 6, b1_ = 0; }
    void set_padding(bool v) { b0_ = static_cast<std::uint8_t>(v ? (b0_ | 0x20) : (b0_ & ~0x20)); }
    void set_marker(bool v) { b1_ = static_cast<std::uint8_t>(v ? (b1_ | 0x80) : (b1_ & 0x7f)); }
    void set_payload_type(std::uint8_t pt) { b1_ = static_cast<std::uint8_t>((b1_ & 0x80) | (pt & 0x7f)); }
    void set_seqnum(std::uint16_t v) { core::store_be16(seq_, v); }
    void set_timestamp(std::uint32_t v) { core::store_be32(ts_, v); }
    void set_ssrc(std::uint32_t v) { core::store_be32(ssrc_, v); }

private:
    std::uint8_t b0_; // V(2) P(1) X(1) CC(4)
    std::uint8_t b1_; // M(1) PT(7)
    std::uint8_t seq_[2];
    std::uint8_t ts_[4];
    std::uint8_t ssrc_[4];
};

static_assert(sizeof(Header) == Header::Size && alignof(Header) == 1);

/// Header extension preamble (RFC 3550 §5.3.1): profile word and length in words.
class ExtensionHeader {
public:
    static constexpr std::size_t Size = 4;
    std::size_t data_size() const { return std::size_t(core::load_be16(len_)) * 4; }

private:
    [[maybe_unused]] std::uint8_t profile_[2]; // on the wire; rocd skips extensions
    std::uint8_t len_[2];
};

static_assert(sizeof(ExtensionHeader) == ExtensionHeader::Size);

} // namespace rocd::transport::rtp
