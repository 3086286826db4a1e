// FEC blocks of the Roc Toolkit captures in ../shared/interop/, grouped by SBN.
#pragma once

#include "pcap.h"
#include "transport/fec/payload_id.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace rocd::transport::fec::test {

enum class CaptureScheme { rs8m, ldpc };

/// One block as it went over the wire.
struct CapturedBlock {
    std::uint32_t sbn = 0;
    std::size_t k = 0;
    std::size_t n = 0; ///< from the LDPC repair header; RS8M: k + highest repair ESI seen + 1 - k
    std::map<std::size_t, std::vector<std::uint8_t>> symbols; ///< ESI -> symbol (footer/header removed)

    /// All k sources and repairs k..n-1 captured.
    bool complete() const { return k > 0 && n > k && symbols.size() == n; }
    std::size_t symbol_size() const { return symbols.begin()->second.size(); }
};

/// Blocks of `pcap` (a name in the interop folder) in capture order.
inline std::vector<CapturedBlock> load_blocks(const std::string& pcap, CaptureScheme scheme) {
    std::vector<CapturedBlock> blocks;
    std::map<std::uint32_t, std::size_t> index;
    auto block_for = [&](std::uint32_t sbn, std::size_t k) -> CapturedBlock& {
        auto it = index.find(sbn);
        if (it == index.end()) {
            it = index.emplace(sbn, blocks.size()).first;
            blocks.push_back(CapturedBlock {sbn, k, 0, {}});
        }
        return blocks[it->second];
    };
    for (const auto& d : rocd::test::read_pcap_udp(rocd::test::interop_path(pcap))) {
        const auto& p = d.payload;
        if (d.dst_port == 10001 && p.size() > 6) {
            std::span<const std::uint8_t> footer(p.data() + p.size() - 6, 6);
            std::vector<std::uint8_t> sym(p.begin(), p.end() - 6);
            if (scheme == CaptureScheme::rs8m) {
                auto id = Rs8mPayloadId::parse_source(footer);
                if (id) {
                    block_for(id->sbn, id->k).symbols[id->esi] = std::move(sym);
                }
            } else {
                auto id = LdpcSourcePayloadId::parse(footer);
                if (id) {
                    block_for(id->sbn, id->k).symbols[id->esi] = std::move(sym);
                }
            }
        } else if (d.dst_port == 10002) {
            if (scheme == CaptureScheme::rs8m) {
                auto id = Rs8mPayloadId::parse_repair(p);
                if (id) {
                    auto& b = block_for(id->sbn, id->k);
                    b.symbols[id->esi] = std::vector<std::uint8_t>(p.begin() + 6, p.end());
                    b.n = std::max<std::size_t>(b.n, id->esi + 1u);
                }
            } else {
                auto id = LdpcRepairPayloadId::parse(p);
                if (id) {
                    auto& b = block_for(id->sbn, id->k);
                    b.symbols[id->esi] = std::vector<std::uint8_t>(p.begin() + 8, p.end());
                    b.n = id->n;
                }
            }
        }
    }
    return blocks;
}

/// A complete block's symbols split into sources and repairs, with the
/// pointer arrays the codecs take.
struct SplitBlock {
    std::vector<std::vector<std::uint8_t>> sources, repairs;
    std::vector<const std::uint8_t*> source_ptrs;
    std::vector<std::uint8_t*> repair_ptrs;
};

inline SplitBlock split(const CapturedBlock& b) {
    SplitBlock out;
    for (std::size_t e = 0; e < b.n; e++) {
        (e < b.k ? out.sources : out.repairs).push_back(b.symbols.at(e));
    }
    for (auto& s : out.sources) {
        out.source_ptrs.push_back(s.data());
    }
    for (auto& r : out.repairs) {
        out.repair_ptrs.push_back(r.data());
    }
    return out;
}

} // namespace rocd::transport::fec::test
