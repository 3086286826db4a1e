// What a mock sink "hears": each 10 ms window of what is played into it
// (its first channel) is judged a clean tone when a sinusoid at the tone
// the device expects explains all but 5 % of its energy and it is not
// quiet. Counted per device, so a benchmark can tell a path that plays
// the audio from one that drops or mangles it (bench/streams/load).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/error.h"

namespace rocd::drivers {

class ToneEar {
public:
    struct Counts {
        std::uint64_t windows = 0;
        std::uint64_t clean = 0;
    };

    /// `frames` interleaved frames of `channels` played into `device` at
    /// `rate`, which expects a tone of `tone_hz`.
    void hear(const std::string& device, const float* frames, std::uint32_t n, std::uint32_t channels,
              std::uint32_t rate, double tone_hz);

    const std::map<std::string, Counts>& counts() const { return counts_; }

    /// {"devices": {"<name>": {"windows": N, "clean": M}, ...}}, written to
    /// a temporary file and renamed over `path`.
    static Status write(const std::map<std::string, Counts>& counts, const std::string& path);

private:
    struct Window {
        std::uint32_t rate = 0;
        double tone_hz = 0;
        std::vector<double> sin_basis;
        std::vector<double> cos_basis;
        std::vector<float> samples;
    };
    std::map<std::string, Window> windows_;
    std::map<std::string, Counts> counts_;
};

} // namespace rocd::drivers
