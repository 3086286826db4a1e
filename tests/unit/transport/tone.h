// Tone analysis for end-to-end tests.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

namespace rocd::transport::test {

/// Share of a channel's energy at `freq` (Goertzel over frames [from, to)), 0..1.
inline double tone_purity(const std::vector<float>& s, std::size_t channels, std::size_t ch, std::size_t from,
                          std::size_t to, double freq, double rate) {
    const double w = 2 * 3.14159265358979 * freq / rate;
    const double coeff = 2 * std::cos(w);
    double s1 = 0, s2 = 0, energy = 0;
    for (std::size_t f = from; f < to; ++f) {
        const double x = s[f * channels + ch];
        const double s0 = x + coeff * s1 - s2;
        s2 = s1;
        s1 = s0;
        energy += x * x;
    }
    const double power = s1 * s1 + s2 * s2 - coeff * s1 * s2; // |X(f)|^2
    const double n = double(to - from);
    return energy > 0 ? (2 * power / n) / energy : 0;
}

} // namespace rocd::transport::test

namespace rocd::transport::test {

/// Worst tone_purity over consecutive 100 ms windows of [from, to): short
/// windows tolerate the tiny pitch changes of drift compensation.
inline double min_tone_purity(const std::vector<float>& s, std::size_t channels, std::size_t ch,
                              std::size_t from, std::size_t to, double freq, double rate) {
    const std::size_t win = static_cast<std::size_t>(rate / 10);
    double worst = 1;
    for (std::size_t f = from; f + win <= to; f += win) {
        worst = std::min(worst, tone_purity(s, channels, ch, f, f + win, freq, rate));
    }
    return worst;
}

/// Drives sender → relay → receiver on the relay's virtual clock: `steps`
/// times 10 ms of a 440 Hz stereo tone at 44.1 kHz written and 10 ms read,
/// then `tail` more reads. Returns everything the receiver played.
template <class Sender, class Relay, class Receiver>
std::vector<float> play_tone_through(Sender& sender, Relay& relay, Receiver& receiver, int steps, int tail) {
    constexpr std::size_t step = 441;
    std::vector<float> in(step * 2), buf(step * 2), out;
    out.reserve(static_cast<std::size_t>(steps + tail) * step * 2);
    double phase = 0;
    for (int i = 0; i < steps + tail; ++i) {
        if (i < steps) {
            for (std::size_t f = 0; f < step; ++f) {
                in[2 * f] = in[2 * f + 1] = 0.5f * float(std::sin(phase));
                phase += 2 * 3.14159265358979 * 440 / 44100;
            }
            sender.write(in.data(), step);
        }
        relay.advance(10);
        receiver.read(buf.data(), step);
        out.insert(out.end(), buf.begin(), buf.end());
    }
    return out;
}

} // namespace rocd::transport::test
