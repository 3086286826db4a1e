#include "streams/stream_spec.h"

namespace rocd::streams {

std::vector<Uid> port_uids(const StreamSpec& spec) {
    std::vector<Uid> out {*spec.port_uid};
    if (spec.playback_port_uid) {
        out.push_back(*spec.playback_port_uid);
    }
    return out;
}

const char* direction_name(StreamDirection direction) {
    switch (direction) {
    case StreamDirection::send:
        return "send";
    case StreamDirection::receive:
        return "receive";
    case StreamDirection::local:
        break;
    }
    return "local";
}

Status check_direction_settings(StreamDirection direction, const StreamSettings& settings) {
    const bool sends = direction != StreamDirection::receive;
    const bool receives = direction != StreamDirection::send;
    const auto refuse = [direction](const char* name, const char* why) {
        return fail(Errc::invalid_argument,
                    std::string("settings.") + name + " does not apply to a " + direction_name(direction) +
                        " stream: " + why,
                    std::string("settings.") + name);
    };
    if (!sends && settings.packet_length_ms) {
        return refuse("packet_length_ms", "the sender chooses it");
    }
    for (auto [set, name] :
         {std::pair {settings.fec_block_source_packets.has_value(), "fec_block_source_packets"},
          std::pair {settings.fec_block_repair_packets.has_value(), "fec_block_repair_packets"}}) {
        if (set && !sends) {
            return refuse(name, "the sender chooses the blocks and the packets carry them");
        }
        if (set && direction == StreamDirection::local) {
            return refuse(name, "a local stream carries plain RTP, without FEC");
        }
    }
    if (!receives && settings.target_latency_ms) {
        return refuse("target_latency_ms", "the receiver holds it");
    }
    if (!receives && settings.latency_tolerance_ms) {
        return refuse("latency_tolerance_ms", "the receiver holds it");
    }
    return {};
}

StreamSettings settings_for(StreamDirection direction, StreamSettings settings) {
    if (direction != StreamDirection::send) {
        settings.packet_length_ms.reset();
        settings.fec_block_source_packets.reset();
        settings.fec_block_repair_packets.reset();
    }
    if (direction != StreamDirection::receive) {
        settings.target_latency_ms.reset();
        settings.latency_tolerance_ms.reset();
    }
    return settings;
}

} // namespace rocd::streams
