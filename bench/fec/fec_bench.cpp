// Throughput of the FEC codecs at Roc's defaults: k = 18 source and r = 10
// repair symbols of 896 bytes (one 5 ms L16 stereo RTP packet). Bytes/s are
// bytes of source data per second.
#include "transport/fec/ldpc_decoder.h"
#include "transport/fec/ldpc_encoder.h"
#include "transport/fec/rs8m_decoder.h"
#include "transport/fec/rs8m_encoder.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <random>
#include <vector>

namespace {

using namespace rocd::transport::fec;

constexpr std::size_t K = 18;
constexpr std::size_t R = 10;
constexpr std::size_t N = K + R;
constexpr std::size_t SymbolSize = 896;

struct Block {
    std::vector<std::vector<std::uint8_t>> symbols;
    std::vector<const std::uint8_t*> sources;
    std::vector<std::uint8_t*> repairs;
    std::vector<std::uint8_t*> outputs;
    std::vector<std::vector<std::uint8_t>> out_bufs;

    Block()
        : symbols(N, std::vector<std::uint8_t>(SymbolSize)),
          out_bufs(K, std::vector<std::uint8_t>(SymbolSize)) {
        std::mt19937 rng(1);
        for (std::size_t e = 0; e < N; e++) {
            for (auto& b : symbols[e]) {
                b = static_cast<std::uint8_t>(rng());
            }
            if (e < K) {
                sources.push_back(symbols[e].data());
            } else {
                repairs.push_back(symbols[e].data());
            }
        }
        for (auto& o : out_bufs) {
            outputs.push_back(o.data());
        }
    }
};

bool skip_unsupported(benchmark::State& state, SimdLevel simd) {
    if (!simd_supported(simd)) {
        state.SkipWithError("instruction set not supported by this CPU");
        return true;
    }
    state.SetLabel(simd_name(simd));
    return false;
}

template <class Encoder> void encode(benchmark::State& state, SimdLevel simd) {
    if (skip_unsupported(state, simd)) {
        return;
    }
    Block b;
    Encoder enc(simd);
    for (auto _ : state) {
        auto st = enc.encode(b.sources, b.repairs, SymbolSize);
        benchmark::DoNotOptimize(st);
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * K * SymbolSize));
}

// Decodes a block that lost `lost` (ESIs) each iteration.
template <class Encoder, class Decoder>
void decode(benchmark::State& state, SimdLevel simd, const std::vector<std::size_t>& lost) {
    if (skip_unsupported(state, simd)) {
        return;
    }
    Block b;
    Encoder enc(simd);
    if (!enc.encode(b.sources, b.repairs, SymbolSize)) {
        state.SkipWithError("encode failed");
        return;
    }
    std::vector<bool> is_lost(N);
    for (std::size_t e : lost) {
        is_lost[e] = true;
    }
    Decoder dec(simd);
    for (auto _ : state) {
        (void)dec.begin(K, R, SymbolSize);
        for (std::size_t e = 0; e < N; e++) {
            if (!is_lost[e]) {
                (void)dec.add(e, b.symbols[e].data());
            }
        }
        if (!dec.decode(b.outputs)) {
            state.SkipWithError("block not decodable");
            return;
        }
        benchmark::ClobberMemory();
    }
    for (std::size_t e : lost) {
        if (e < K && b.out_bufs[e] != b.symbols[e]) {
            state.SkipWithError("decoded data differs");
        }
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * K * SymbolSize));
}

// RS8M's maximum repairable loss that costs the most: r sources lost.
std::vector<std::size_t> rs_worst_loss() {
    std::vector<std::size_t> lost;
    for (std::size_t j = 0; j < R; j++) {
        lost.push_back(j);
    }
    return lost;
}

// LDPC is not MDS: among random patterns of r lost sources (repairs all
// received, so every loss needs real decoding), the first one that decodes.
std::vector<std::size_t> ldpc_worst_loss() {
    LdpcMatrix m;
    (void)m.build(K, R);
    std::mt19937 rng(2);
    Block b;
    LdpcEncoder enc;
    (void)enc.encode(b.sources, b.repairs, SymbolSize);
    LdpcDecoder dec;
    for (std::size_t count = R; count > 0; count--) {
        for (int attempt = 0; attempt < 1000; attempt++) {
            std::vector<std::size_t> src(K);
            for (std::size_t j = 0; j < K; j++) {
                src[j] = j;
            }
            std::shuffle(src.begin(), src.end(), rng);
            std::vector<std::size_t> lost(src.begin(), src.begin() + static_cast<std::ptrdiff_t>(count));
            (void)dec.begin(K, R, SymbolSize);
            for (std::size_t e = 0; e < N; e++) {
                if (std::find(lost.begin(), lost.end(), e) == lost.end()) {
                    (void)dec.add(e, b.symbols[e].data());
                }
            }
            if (dec.decode(b.outputs)) {
                return lost;
            }
        }
    }
    return {};
}

void BM_Rs8mEncode(benchmark::State& state, SimdLevel simd) {
    encode<Rs8mEncoder>(state, simd);
}

void BM_Rs8mDecodeMaxLoss(benchmark::State& state, SimdLevel simd) {
    decode<Rs8mEncoder, Rs8mDecoder>(state, simd, rs_worst_loss());
}

void BM_LdpcEncode(benchmark::State& state, SimdLevel simd) {
    encode<LdpcEncoder>(state, simd);
}

void BM_LdpcDecodeMaxLoss(benchmark::State& state, SimdLevel simd) {
    static const std::vector<std::size_t> lost = ldpc_worst_loss();
    state.counters["lost"] = static_cast<double>(lost.size());
    decode<LdpcEncoder, LdpcDecoder>(state, simd, lost);
}

} // namespace

#define FEC_BENCH(fn)                                                                                        \
    BENCHMARK_CAPTURE(fn, scalar, SimdLevel::scalar);                                                        \
    BENCHMARK_CAPTURE(fn, ssse3, SimdLevel::ssse3);                                                          \
    BENCHMARK_CAPTURE(fn, avx2, SimdLevel::avx2);                                                            \
    BENCHMARK_CAPTURE(fn, gfni, SimdLevel::gfni)

FEC_BENCH(BM_Rs8mEncode);
FEC_BENCH(BM_Rs8mDecodeMaxLoss);
FEC_BENCH(BM_LdpcEncode);
FEC_BENCH(BM_LdpcDecodeMaxLoss);

BENCHMARK_MAIN();
