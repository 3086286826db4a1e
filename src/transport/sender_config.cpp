#include "transport/sender_config.h"

#include "core/audio_limits.h"
#include "transport/config_checks.h"

namespace rocd::transport {

Status SenderConfig::validate() const {
    for (auto st : {limits::check_rate(rate), limits::check_stream_channels(channels),
                    check_packet_length(packet_length, payload_type),
                    check_fec_block(source, fec_source_packets, fec_repair_packets),
                    check_resampler_quality(resampler_quality)}) {
        if (!st) {
            return st;
        }
    }
    if (queue_packets < 8) {
        return fail(Errc::invalid_argument, "queue too small", "queue_packets");
    }
    return {};
}

} // namespace rocd::transport
