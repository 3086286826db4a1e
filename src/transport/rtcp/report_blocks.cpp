#include <algorithm>

#include "transport/rtcp/wire.h"

namespace rocd::transport::rtcp::wire {

namespace {

constexpr std::size_t BlockSize = 24;

ReportBlock parse_block(const std::uint8_t* p) {
    ReportBlock b;
    b.ssrc = core::load_be32(p);
    b.fraction_lost = p[4];
    // Cumulative lost is a 24-bit two's complement number.
    auto lost = static_cast<std::int32_t>(core::load_be24(p + 5));
    if ((lost & 0x800000) != 0) {
        lost -= 0x1000000;
    }
    b.cumulative_lost = lost;
    b.ext_highest_seq = core::load_be32(p + 8);
    b.jitter = core::load_be32(p + 12);
    b.lsr = core::load_be32(p + 16);
    b.dlsr = core::load_be32(p + 20);
    return b;
}

} // namespace

bool parse_report_blocks(std::span<const std::uint8_t> body, std::size_t count,
                         std::vector<ReportBlock>& out) {
    if (count * BlockSize > body.size()) {
        return false;
    }
    for (std::size_t i = 0; i < count; ++i) {
        out.push_back(parse_block(body.data() + i * BlockSize));
    }
    return true;
}

void write_report_blocks(Writer& w, const std::vector<ReportBlock>& blocks) {
    for (const auto& b : blocks) {
        w.u32(b.ssrc);
        w.u8(b.fraction_lost);
        // Saturates rather than wraps: a huge loss must not read as a gain.
        const std::int32_t lost = std::clamp(b.cumulative_lost, -0x800000, 0x7FFFFF);
        w.u24(static_cast<std::uint32_t>(lost) & 0xFFFFFF);
        w.u32(b.ext_highest_seq);
        w.u32(b.jitter);
        w.u32(b.lsr);
        w.u32(b.dlsr);
    }
}

} // namespace rocd::transport::rtcp::wire
