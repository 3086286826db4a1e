#include "drivers/mock/mock_driver.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "drivers/ring_audio_stream.h"

namespace rocd::drivers {

namespace {

constexpr std::size_t chunk_frames = 1024;

} // namespace

struct MockDriver::Stream {
    std::shared_ptr<StreamCore> core;
    std::chrono::nanoseconds elapsed {0};
    std::uint64_t frames_done = 0;
    std::vector<float> scratch;
};

MockDriver::MockDriver(std::vector<MockDevice> devices, Options options) : options_(options) {
    for (auto& d : devices) {
        std::string key = d.info.name;
        devices_.emplace(std::move(key), Entry {std::move(d), true});
    }
    if (options_.realtime) {
        clock_ = std::thread([this] { run_clock(); });
    }
}

MockDriver::~MockDriver() {
    if (clock_.joinable()) {
        {
            std::lock_guard lock(clock_mutex_);
            stopping_ = true;
        }
        clock_cv_.notify_all();
        clock_.join();
    }
}

void MockDriver::run_clock() {
    auto next = std::chrono::steady_clock::now();
    std::unique_lock lock(clock_mutex_);
    while (!stopping_) {
        next += options_.period;
        if (clock_cv_.wait_until(lock, next, [this] { return stopping_; })) {
            break;
        }
        lock.unlock();
        advance(options_.period);
        lock.lock();
    }
}

std::vector<DeviceInfo> MockDriver::devices() const {
    std::lock_guard lock(mutex_);
    std::vector<DeviceInfo> out;
    for (auto& [_, e] : devices_) {
        if (e.present) {
            out.push_back(e.device.info);
        }
    }
    return out;
}

SubscriptionId MockDriver::subscribe(DeviceListener listener) {
    return listeners_.add(std::move(listener));
}

void MockDriver::unsubscribe(SubscriptionId id) {
    listeners_.remove(id);
}

Status MockDriver::plug(MockDevice device) {
    DeviceInfo info = device.info;
    {
        std::lock_guard lock(mutex_);
        auto it = devices_.find(device.info.name);
        if (it != devices_.end() && it->second.present) {
            return fail(Errc::conflict, "device \"" + device.info.name + "\" already exists", "name");
        }
        std::string key = device.info.name;
        devices_.insert_or_assign(std::move(key), Entry {std::move(device), true});
        for (auto& s : streams_) {
            if (s->core->device() == info.name) {
                s->core->set_connected(true);
            }
        }
    }
    listeners_.notify(DeviceEvent::added, info);
    return {};
}

Status MockDriver::unplug(std::string_view name) {
    DeviceInfo info;
    {
        std::lock_guard lock(mutex_);
        auto it = devices_.find(name);
        if (it == devices_.end() || !it->second.present) {
            return fail(Errc::not_found, "no device named \"" + std::string(name) + "\"", "name");
        }
        info = it->second.device.info;
        // Kept (not present) so that its streams resume when it is plugged back.
        it->second.present = false;
        for (auto& s : streams_) {
            if (s->core->device() == name) {
                s->core->set_connected(false);
            }
        }
    }
    listeners_.notify(DeviceEvent::removed, info);
    return {};
}

Result<DeviceInfo> MockDriver::create_virtual_device(const VirtualDeviceSpec& spec) {
    if (spec.name.empty()) {
        return fail(Errc::invalid_argument, "a virtual device needs a name", "name");
    }
    if (spec.direction == Direction::duplex) {
        return fail(Errc::invalid_argument,
                    "a virtual device is an output (speaker) or an input (microphone)", "direction");
    }
    if (spec.channels < 1 || spec.channels > 64) {
        return fail(Errc::invalid_argument, "channels must be 1..64", "channels");
    }
    if (spec.rate < 1000 || spec.rate > 768000) {
        return fail(Errc::invalid_argument, "rate must be 1000..768000", "rate");
    }
    MockDevice d;
    d.info.name = spec.name;
    d.info.display_name = spec.display_name.empty() ? spec.name : spec.display_name;
    d.info.direction = spec.direction;
    d.info.channels = spec.channels;
    d.info.rate = spec.rate;
    d.info.is_virtual = true;
    if (spec.channels == 1) {
        d.info.positions = {"MONO"};
    } else if (spec.channels == 2) {
        d.info.positions = {"FL", "FR"};
    }
    DeviceInfo info = d.info;
    if (auto st = plug(std::move(d)); !st) {
        return tl::unexpected(st.error());
    }
    return info;
}

Status MockDriver::destroy_virtual_device(std::string_view name) {
    {
        std::lock_guard lock(mutex_);
        auto it = devices_.find(name);
        if (it == devices_.end() || !it->second.present) {
            return fail(Errc::not_found, "no device named \"" + std::string(name) + "\"", "name");
        }
        if (!it->second.device.info.is_virtual) {
            return fail(Errc::invalid_argument,
                        "\"" + std::string(name) + "\" is a system device, not a virtual one rocd created",
                        "name");
        }
    }
    if (auto st = unplug(name); !st) {
        return st;
    }
    std::lock_guard lock(mutex_);
    // A destroyed virtual device does not come back: its streams stop.
    for (auto& s : streams_) {
        if (s->core->device() == name) {
            s->core->close();
        }
    }
    devices_.erase(devices_.find(name));
    return {};
}

Result<std::unique_ptr<AudioStream>> MockDriver::open_stream(const StreamSpec& spec) {
    std::lock_guard lock(mutex_);
    auto it = devices_.find(spec.device);
    if (it == devices_.end() || !it->second.present) {
        return fail(Errc::not_found, "no device named \"" + spec.device + "\"", "device");
    }
    const DeviceInfo& info = it->second.device.info;
    if (spec.kind == StreamKind::playback && info.direction == Direction::input && !info.is_virtual) {
        return fail(Errc::invalid_argument,
                    "cannot play into \"" + spec.device + "\": it is a source (input device)", "device");
    }
    const std::uint32_t rate = spec.rate ? spec.rate : info.rate;
    const std::uint32_t channels = spec.channels ? spec.channels : info.channels;
    if (channels > 64 || rate > 768000 || rate < 1000) {
        return fail(Errc::invalid_argument, "unsupported rate or channel count", "rate");
    }
    const auto capacity = static_cast<std::size_t>(
        std::max<std::int64_t>(1, spec.ring_duration.count() * rate / 1'000'000'000));
    auto stream = std::make_unique<Stream>();
    stream->core = std::make_shared<StreamCore>(spec.kind, spec.device, rate, channels, capacity);
    stream->core->set_connected(true);
    stream->scratch.resize(chunk_frames * channels);
    Stream* raw = stream.get();
    auto core = stream->core;
    streams_.push_back(std::move(stream));
    auto latency = [rate] {
        return std::chrono::nanoseconds(std::int64_t(chunk_frames) * 1'000'000'000 / rate);
    };
    return std::make_unique<RingAudioStream>(
        core, [this, raw] { close_stream(raw); }, latency);
}

void MockDriver::close_stream(Stream* stream) {
    std::lock_guard lock(mutex_);
    std::erase_if(streams_, [stream](auto& s) { return s.get() == stream; });
}

std::size_t MockDriver::open_streams() const {
    std::lock_guard lock(mutex_);
    return streams_.size();
}

void MockDriver::advance(std::chrono::nanoseconds dt) {
    std::lock_guard lock(mutex_);
    for (auto& s : streams_) {
        auto it = devices_.find(s->core->device());
        if (it == devices_.end() || !it->second.present || !s->core->is_open()) {
            continue; // an unplugged device's clock stands still
        }
        const MockDevice& dev = it->second.device;
        const std::uint32_t rate = s->core->rate();
        const std::uint32_t channels = s->core->channels();
        s->elapsed += dt;
        const auto target = static_cast<std::uint64_t>(s->elapsed.count() * rate / 1'000'000'000);
        while (s->frames_done < target) {
            const auto n =
                static_cast<std::uint32_t>(std::min<std::uint64_t>(target - s->frames_done, chunk_frames));
            if (s->core->kind() == StreamKind::capture) {
                const float gain = dev.info.mute ? 0.0f : dev.tone_level * dev.info.volume;
                const double w = 2.0 * std::numbers::pi * dev.tone_hz / rate;
                for (std::uint32_t i = 0; i < n; ++i) {
                    // Phase from the absolute frame index: no drift over long runs.
                    const auto idx = (s->frames_done + i) % (std::uint64_t(rate) * 1000);
                    const float v = gain * static_cast<float>(std::sin(w * static_cast<double>(idx)));
                    std::fill_n(&s->scratch[std::size_t(i) * channels], channels, v);
                }
                s->core->capture_period(s->scratch.data(), n);
            } else {
                s->core->playback_period(s->scratch.data(), n);
                auto& rec = recordings_[s->core->device()];
                rec.insert(rec.end(), s->scratch.begin(), s->scratch.begin() + std::ptrdiff_t(n) * channels);
                // Drop the oldest half at once rather than a period each time.
                if (const auto cap = options_.max_recording_samples; cap != 0 && rec.size() > cap) {
                    rec.erase(rec.begin(), rec.end() - std::ptrdiff_t(cap / 2));
                }
            }
            s->frames_done += n;
        }
    }
}

std::vector<float> MockDriver::recording(std::string_view device) const {
    std::lock_guard lock(mutex_);
    auto it = recordings_.find(device);
    return it == recordings_.end() ? std::vector<float> {} : it->second;
}

Result<DeviceInfo> MockDriver::update(std::string_view name, const std::function<void(DeviceInfo&)>& change) {
    DeviceInfo info;
    {
        std::lock_guard lock(mutex_);
        auto it = devices_.find(name);
        if (it == devices_.end() || !it->second.present) {
            return fail(Errc::not_found, "no device named \"" + std::string(name) + "\"", "name");
        }
        DeviceInfo before = it->second.device.info;
        change(it->second.device.info);
        if (before == it->second.device.info) {
            return before;
        }
        info = it->second.device.info;
    }
    listeners_.notify(DeviceEvent::changed, info);
    return info;
}

Status MockDriver::set_volume(std::string_view name, float volume) {
    if (!(volume >= 0.0f && volume <= 10.0f)) {
        return fail(Errc::invalid_argument, "volume must be between 0 and 10 (linear gain)", "volume");
    }
    auto r = update(name, [volume](DeviceInfo& d) { d.volume = volume; });
    return r ? Status {} : tl::unexpected(r.error());
}

Status MockDriver::set_mute(std::string_view name, bool mute) {
    auto r = update(name, [mute](DeviceInfo& d) { d.mute = mute; });
    return r ? Status {} : tl::unexpected(r.error());
}

} // namespace rocd::drivers
