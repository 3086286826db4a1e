#include <algorithm>
#include <cstdio>
#include <cstring>
#include <random>

#include "transport/rtcp/wire.h"

namespace rocd::transport::rtcp {

namespace {

constexpr std::uint8_t SdesEnd = 0, SdesCname = 1;

} // namespace

std::string SdesChunk::cname() const {
    for (const auto& i : items) {
        if (i.type == SdesCname) {
            return i.text;
        }
    }
    return {};
}

std::string random_cname() {
    std::random_device rd;
    std::uint8_t b[16];
    for (auto& x : b) {
        x = static_cast<std::uint8_t>(rd());
    }
    // RFC 9562 version 4 (random) and variant bits.
    b[6] = static_cast<std::uint8_t>((b[6] & 0x0F) | 0x40);
    b[8] = static_cast<std::uint8_t>((b[8] & 0x3F) | 0x80);
    char out[37];
    std::snprintf(out, sizeof(out), "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                  b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
                  b[14], b[15]);
    return out;
}

namespace wire {

bool parse_sdes(std::span<const std::uint8_t> body, std::size_t count, std::vector<SdesChunk>& out) {
    const std::uint8_t* p = body.data();
    const std::size_t size = body.size();
    std::size_t pos = 0;
    for (std::size_t c = 0; c < count; ++c) {
        if (pos + 4 > size) {
            return false;
        }
        SdesChunk chunk;
        chunk.ssrc = core::load_be32(p + pos);
        pos += 4;
        for (;;) {
            if (pos >= size) {
                return false;
            }
            const std::uint8_t type = p[pos];
            if (type == SdesEnd) {
                // The list ends with a zero byte, padded to a word boundary.
                pos += 1;
                pos = (pos + 3) & ~std::size_t(3);
                break;
            }
            if (pos + 2 > size || pos + 2 + p[pos + 1] > size) {
                return false;
            }
            chunk.items.push_back(
                SdesItem {type, std::string(reinterpret_cast<const char*>(p + pos + 2), p[pos + 1])});
            pos += 2 + p[pos + 1];
        }
        if (pos > size) {
            return false;
        }
        out.push_back(std::move(chunk));
    }
    return true;
}

void write_sdes(Writer& w, const std::vector<SdesChunk>& chunks) {
    for (const auto& chunk : chunks) {
        const std::size_t start = w.pos;
        w.u32(chunk.ssrc);
        for (const auto& item : chunk.items) {
            const std::size_t len = std::min<std::size_t>(item.text.size(), 255);
            w.u8(item.type);
            w.u8(static_cast<std::uint8_t>(len));
            if (auto* p = w.take(len)) {
                std::memcpy(p, item.text.data(), len);
            }
        }
        w.u8(SdesEnd);
        while (w.ok && (w.pos - start) % 4 != 0) {
            w.u8(0);
        }
    }
}

} // namespace wire

} // namespace rocd::transport::rtcp
