#include "transport/fec/gf256.h"

namespace rocd::transport::fec::gf {

namespace {

Tables build() {
    Tables t {};
    unsigned x = 1;
    for (unsigned i = 0; i < 255; i++) {
        t.exp[i] = static_cast<std::uint8_t>(x);
        t.exp[i + 255] = static_cast<std::uint8_t>(x);
        t.log[x] = static_cast<std::uint8_t>(i);
        x <<= 1;
        if (x & 0x100) {
            x ^= 0x11D;
        }
    }
    for (unsigned a = 0; a < 256; a++) {
        for (unsigned b = 0; b < 256; b++) {
            t.mul[a][b] = (a == 0 || b == 0) ? 0 : t.exp[t.log[a] + t.log[b]];
        }
        t.inv[a] = a == 0 ? 0 : t.exp[255 - t.log[a]];
        // Byte 7-i of the matrix selects the input bits that feed output bit i.
        std::uint64_t m = 0;
        for (unsigned i = 0; i < 8; i++) {
            std::uint64_t row = 0;
            for (unsigned j = 0; j < 8; j++) {
                if ((t.mul[a][1u << j] >> i) & 1) {
                    row |= 1u << j;
                }
            }
            m |= row << (8 * (7 - i));
        }
        t.affine[a] = m;
        for (unsigned n = 0; n < 16; n++) {
            t.nibble[a][n] = t.mul[a][n];
            t.nibble[a][16 + n] = t.mul[a][n << 4];
        }
    }
    return t;
}

} // namespace

const Tables& tables() {
    static const Tables t = build();
    return t;
}

} // namespace rocd::transport::fec::gf
