#include "transport/sender_pipeline.h"

namespace rocd::transport {

namespace {

std::unique_ptr<fec::BlockWriter> make_fec_writer(const SenderConfig& config, IPacketWriter& out,
                                                  std::optional<std::uint16_t> first_sbn) {
    if (!config.source) {
        return nullptr;
    }
    const auto scheme = fec::fec_scheme_from_uri_scheme(protocol_scheme(config.source->protocol));
    if (!scheme) {
        return nullptr;
    }
    return std::make_unique<fec::BlockWriter>(out, *scheme, config.fec_source_packets,
                                              config.fec_repair_packets, first_sbn);
}

} // namespace

SenderPipeline::SenderPipeline(const SenderConfig& config, IPacketWriter& out,
                               std::unique_ptr<rtp::Sequencer> sequencer,
                               std::optional<std::uint16_t> first_sbn)
    : fec_writer_(make_fec_writer(config, out, first_sbn)),
      counter_(fec_writer_ ? static_cast<IPacketWriter&>(*fec_writer_) : out),
      sequencer_(std::move(sequencer)) {
    const rtp::Encoding enc = *rtp::find_encoding(config.payload_type);
    sample_rate_ = enc.sample_rate;
    if (!sequencer_) {
        sequencer_ = std::make_unique<rtp::Sequencer>(enc.payload_type);
    }
    packetizer_ = std::make_unique<audio::Packetizer>(
        counter_, *sequencer_, enc, core::duration_to_samples(config.packet_length, enc.sample_rate));
    input_ = packetizer_.get();
    if (config.rate != enc.sample_rate) {
        resampler_ = std::make_unique<audio::Resampler>(enc.channels, config.rate, enc.sample_rate,
                                                        config.resampler_quality);
        resampler_writer_ = std::make_unique<audio::ResamplerWriter>(*input_, *resampler_, enc.channels);
        input_ = resampler_writer_.get();
    }
    if (config.channels != enc.channels) {
        mapper_ = std::make_unique<audio::ChannelMapperWriter>(*input_, config.channels, enc.channels);
        input_ = mapper_.get();
    }
}

void SenderPipeline::write(const float* frames, std::size_t count) {
    input_->write(frames, count);
    frames_written_.fetch_add(count, std::memory_order_relaxed);
}

} // namespace rocd::transport
