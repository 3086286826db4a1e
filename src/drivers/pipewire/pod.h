// SPA pod parsing and building for the PipeWire driver: the audio format
// of a node and its volume/mute (Props), in rocd's own types.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

struct spa_pod;
struct spa_pod_builder;

namespace rocd::drivers::pw {

/// What an EnumFormat / Format param says about a node's native format.
struct FormatFacts {
    std::uint32_t rate = 0;
    std::uint32_t channels = 0;
    std::vector<std::string> positions;
};

/// Reads rate, channels and positions (the default of a choice) from an
/// audio/raw format param; nullopt for any other format.
std::optional<FormatFacts> parse_format(const spa_pod* param);

/// What a Props param says about volume and mute.
struct PropsFacts {
    std::optional<float> volume; ///< mean of channelVolumes (linear)
    std::optional<bool> mute;
};

PropsFacts parse_props(const spa_pod* param);

/// A Props param setting every channel's volume and/or the mute flag.
const spa_pod* build_props(spa_pod_builder* b, std::uint32_t channels, std::optional<float> volume,
                           std::optional<bool> mute);

/// An EnumFormat param: interleaved F32 at `rate` with `positions`
/// (default positions for the channel count when empty or mismatched).
const spa_pod* build_f32_format(spa_pod_builder* b, std::uint32_t rate, std::uint32_t channels,
                                const std::vector<std::string>& positions);

/// "FL", "FR", "MONO", "AUX3"...; "UNK" for ids PipeWire does not name.
std::string position_name(std::uint32_t id);
/// Inverse of position_name(); SPA_AUDIO_CHANNEL_UNKNOWN if unknown.
std::uint32_t position_id(const std::string& name);

/// Positions PipeWire uses by default for `channels` channels.
std::vector<std::string> default_positions(std::uint32_t channels);

} // namespace rocd::drivers::pw
