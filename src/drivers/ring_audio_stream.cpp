#include "drivers/ring_audio_stream.h"

namespace rocd::drivers {

RingAudioStream::RingAudioStream(std::shared_ptr<StreamCore> core, std::function<void()> on_close,
                                 std::function<std::chrono::nanoseconds()> latency)
    : core_(std::move(core)), on_close_(std::move(on_close)), latency_(std::move(latency)) {}

RingAudioStream::~RingAudioStream() {
    close();
}

std::chrono::nanoseconds RingAudioStream::latency() const {
    return latency_ && core_->is_open() ? latency_() : std::chrono::nanoseconds(0);
}

void RingAudioStream::close() {
    std::call_once(closed_, [this] {
        core_->close();
        if (on_close_) {
            on_close_();
        }
    });
}

} // namespace rocd::drivers
