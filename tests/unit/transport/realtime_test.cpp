// The audio path must not allocate: Sender/Receiver write() and read() run
// in real-time callbacks. Counts operator new calls made on this thread.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <new>

#include <vector>

#include "transport/packet/packet_io.h"
#include "transport/receiver_pipeline.h"
#include "transport/sender_pipeline.h"

namespace {

thread_local bool t_counting = false;
thread_local std::size_t t_allocations = 0;

} // namespace

void* operator new(std::size_t size) {
    if (t_counting) {
        ++t_allocations;
    }
    if (void* p = std::malloc(size == 0 ? 1 : size)) {
        return p;
    }
    throw std::bad_alloc();
}

void operator delete(void* p) noexcept {
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
    std::free(p);
}

namespace rocd::transport {
namespace {

using namespace std::chrono_literals;

// A wire that does not allocate either (std::deque would, per packet).
class Ring final : public IPacketWriter, public IPacketReader {
public:
    Ring() : slots_(64) {}
    void write(Packet& p) override {
        if (count_ < slots_.size()) {
            slots_[(head_ + count_++) % slots_.size()] = p;
        }
    }
    bool read(Packet& p) override {
        if (count_ == 0) {
            return false;
        }
        p = slots_[head_];
        head_ = (head_ + 1) % slots_.size();
        --count_;
        return true;
    }
    void drop_newest() {
        if (count_ > 0) {
            --count_;
        }
    }

private:
    std::vector<Packet> slots_;
    std::size_t head_ = 0, count_ = 0;
};

void exercise(audio::ResamplerBackend backend, std::uint32_t rate) {
    Ring wire;
    SenderConfig sc;
    sc.rate = rate;
    SenderPipeline sender(sc, wire);
    ReceiverConfig rc;
    rc.target_latency = 40ms;
    rc.rate = rate;
    rc.resampler_backend = backend;
    ReceiverPipeline receiver(rc, wire);
    const std::size_t frames = rate / 100;
    std::vector<float> in(frames * 2), out(frames * 2);
    for (std::size_t f = 0; f < frames; ++f) {
        in[2 * f] = in[2 * f + 1] = 0.5f * float(std::sin(double(f) * 0.06));
    }
    t_allocations = 0;
    t_counting = true;
    // Session start, steady playback with drift compensation, a pause long
    // enough for the watchdog to end the session, and a new session.
    for (int i = 0; i < 600; ++i) {
        if (i < 250 || i > 300) {
            sender.write(in.data(), frames);
        }
        if (i % 50 == 7) {
            wire.drop_newest(); // a loss now and then
        }
        receiver.read(out.data(), frames);
    }
    t_counting = false;
    EXPECT_EQ(t_allocations, 0u);
    EXPECT_GE(receiver.metrics().sessions_started, 2u);
}

TEST(Realtime, audio_path_does_not_allocate_with_speex) {
    exercise(audio::ResamplerBackend::speex, 44100);
}

TEST(Realtime, audio_path_does_not_allocate_with_builtin_resampler) {
    exercise(audio::ResamplerBackend::builtin, 44100);
}

TEST(Realtime, audio_path_does_not_allocate_with_rate_conversion) {
    exercise(audio::ResamplerBackend::speex, 48000);
}

} // namespace
} // namespace rocd::transport
