#include "transport/sender_config.h"

#include "transport/fec/block_writer.h"
#include "transport/packet/packet.h"
#include "transport/rtp/composer.h"
#include "transport/rtp/encoding.h"

namespace rocd::transport {

Status SenderConfig::validate() const {
    if (rate < 8000 || rate > 192000) {
        return fail(Errc::invalid_argument, "rate must be 8000..192000 Hz", "rate");
    }
    if (channels < 1 || channels > 8) {
        return fail(Errc::invalid_argument, "channels must be 1..8", "channels");
    }
    const auto enc = rtp::find_encoding(payload_type);
    if (!enc) {
        return fail(Errc::unsupported, "unsupported payload type " + std::to_string(payload_type),
                    "payload_type");
    }
    const std::size_t samples = core::duration_to_samples(packet_length, enc->sample_rate);
    // Leave room for a FEC footer within the 2048-byte packet limit.
    if (samples == 0 || rtp::Composer::HeaderSize + samples * enc->frame_size() + 16 > MaxPacketSize) {
        return fail(Errc::invalid_argument, "packet length gives an empty or oversized packet",
                    "packet_length");
    }
    if (source) {
        if (auto scheme = fec::fec_scheme_from_uri_scheme(protocol_scheme(source->protocol))) {
            if (!fec::BlockWriter::valid_block_size(*scheme, fec_source_packets, fec_repair_packets)) {
                return fail(Errc::invalid_argument,
                            *scheme == fec::FecScheme::rs8m
                                ? "FEC block must have nbsrc >= 1, nbrpr >= 1 and nbsrc + nbrpr <= 255"
                                : "LDPC block must have nbsrc >= 2, nbrpr >= 7 and nbsrc + nbrpr <= 255",
                            "fec_source_packets");
            }
        }
    }
    if (queue_packets < 8) {
        return fail(Errc::invalid_argument, "queue too small", "queue_packets");
    }
    return {};
}

} // namespace rocd::transport
