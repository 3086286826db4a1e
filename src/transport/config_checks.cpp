#include "transport/config_checks.h"

#include "transport/fec/block_writer.h"
#include "transport/fec/fec_scheme.h"
#include "transport/packet/packet.h"
#include "transport/rtp/composer.h"
#include "transport/rtp/encoding.h"

namespace rocd::transport {

Status check_packet_length(core::Duration length, std::uint8_t payload_type, const std::string& field) {
    const auto enc = rtp::find_encoding(payload_type);
    if (!enc) {
        return fail(Errc::unsupported, "unsupported payload type " + std::to_string(payload_type),
                    "payload_type");
    }
    // A second of audio never fits; checked first so the sample count cannot overflow.
    const bool in_range = length.count() > 0 && length <= std::chrono::seconds(1);
    const std::size_t samples = in_range ? core::duration_to_samples(length, enc->sample_rate) : 0;
    // Leave room for a FEC footer within the packet limit.
    if (samples == 0 || rtp::Composer::HeaderSize + samples * enc->frame_size() + 16 > MaxPacketSize) {
        return fail(Errc::invalid_argument, field + " gives an empty or oversized packet", field);
    }
    return {};
}

Status check_fec_block(const std::optional<Endpoint>& source, std::size_t source_packets,
                       std::size_t repair_packets, const std::string& field) {
    if (!source) {
        return {};
    }
    const auto scheme = fec::fec_scheme_from_uri_scheme(protocol_scheme(source->protocol));
    if (scheme && !fec::BlockWriter::valid_block_size(*scheme, source_packets, repair_packets)) {
        return fail(Errc::invalid_argument,
                    *scheme == fec::FecScheme::rs8m
                        ? "FEC block must have nbsrc >= 1, nbrpr >= 1 and nbsrc + nbrpr <= 255"
                        : "LDPC block must have nbsrc >= 2, nbrpr >= 7 and nbsrc + nbrpr <= 255",
                    field);
    }
    return {};
}

Status check_resampler_quality(int quality, const std::string& field) {
    if (quality < min_resampler_quality || quality > max_resampler_quality) {
        return fail(Errc::invalid_argument,
                    field + " must be " + std::to_string(min_resampler_quality) + ".." +
                        std::to_string(max_resampler_quality),
                    field);
    }
    return {};
}

Status check_target_latency(core::Duration latency, const std::string& field) {
    if (latency < min_target_latency || latency > max_target_latency) {
        return fail(Errc::invalid_argument, field + " must be 1ms..10s", field);
    }
    return {};
}

Status check_latency_tolerance(core::Duration tolerance, const std::string& field) {
    if (tolerance.count() < 0) {
        return fail(Errc::invalid_argument, field + " must not be negative", field);
    }
    return {};
}

} // namespace rocd::transport
