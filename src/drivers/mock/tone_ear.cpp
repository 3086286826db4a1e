#include "drivers/mock/tone_ear.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <numbers>

#include <nlohmann/json.hpp>

namespace rocd::drivers {

namespace {

/// Least squares of a*sin + b*cos at the window's tone over `x`: whatever
/// the phase and however many cycles fit, a pure tone leaves no residual.
bool clean_tone(const std::vector<float>& x, const std::vector<double>& sin_basis,
                const std::vector<double>& cos_basis) {
    double ss = 0, sc = 0, cc = 0, xs = 0, xc = 0, xx = 0;
    for (std::size_t k = 0; k < x.size(); ++k) {
        const double s = sin_basis[k];
        const double c = cos_basis[k];
        ss += s * s;
        sc += s * c;
        cc += c * c;
        xs += x[k] * s;
        xc += x[k] * c;
        xx += double(x[k]) * x[k];
    }
    const double det = ss * cc - sc * sc;
    if (det <= 0 || xx / double(x.size()) < 0.05 * 0.05) {
        return false; // silence, or quieter than any tone the mock plays
    }
    const double a = (xs * cc - xc * sc) / det;
    const double b = (xc * ss - xs * sc) / det;
    const double explained = a * xs + b * xc;
    return xx - explained < 0.05 * xx;
}

} // namespace

void ToneEar::hear(const std::string& device, const float* frames, std::uint32_t n, std::uint32_t channels,
                   std::uint32_t rate, double tone_hz) {
    auto& window = windows_[device];
    const std::size_t size = rate / 100;
    if (window.rate != rate || window.tone_hz != tone_hz) {
        // The basis once per format, not per window: the ear runs beside the
        // daemon it measures.
        window = Window {.rate = rate, .tone_hz = tone_hz};
        const double w = 2.0 * std::numbers::pi * tone_hz / rate;
        for (std::size_t k = 0; k < size; ++k) {
            window.sin_basis.push_back(std::sin(w * double(k)));
            window.cos_basis.push_back(std::cos(w * double(k)));
        }
        window.samples.reserve(size);
    }
    for (std::uint32_t i = 0; i < n; ++i) {
        window.samples.push_back(frames[std::size_t(i) * channels]);
        if (window.samples.size() == size) {
            auto& counts = counts_[device];
            ++counts.windows;
            counts.clean += clean_tone(window.samples, window.sin_basis, window.cos_basis) ? 1 : 0;
            window.samples.clear();
        }
    }
}

Status ToneEar::write(const std::map<std::string, Counts>& counts, const std::string& path) {
    const std::string temporary = path + ".tmp";
    {
        nlohmann::json devices = nlohmann::json::object();
        for (const auto& [device, c] : counts) {
            devices[device] = {{"windows", c.windows}, {"clean", c.clean}};
        }
        std::ofstream out(temporary, std::ios::trunc);
        out << nlohmann::json {{"devices", devices}}.dump() << '\n';
        if (!out) {
            return fail(Errc::io, "mock: cannot write the tone report " + temporary);
        }
    }
    std::error_code ec;
    std::filesystem::rename(temporary, path, ec);
    if (ec) {
        return fail(Errc::io, "mock: cannot rename the tone report to " + path + ": " + ec.message());
    }
    return {};
}

} // namespace rocd::drivers
