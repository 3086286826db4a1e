#include "drivers/mock/mock_driver.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "drivers/device_checks.h"
#include "drivers/ring_device_io.h"

namespace rocd::drivers {

namespace {

constexpr std::size_t chunk_frames = 1024;

} // namespace

struct MockDriver::Io {
    std::shared_ptr<IoCore> core;
    std::chrono::nanoseconds elapsed {0};
    std::uint64_t frames_done = 0;
    std::vector<float> scratch;
};

MockDriver::MockDriver(std::vector<MockDevice> devices, Options options) : options_(options) {
    if (!options_.tone_report.empty()) {
        ear_ = std::make_unique<ToneEar>();
    }
    for (auto& d : devices) {
        std::string key = d.info.name;
        devices_.emplace(std::move(key), Entry {std::move(d), true});
    }
    worker_ = std::thread([this] { run_worker(); });
    if (options_.realtime) {
        clock_ = std::thread([this] { run_clock(); });
    }
}

MockDriver::~MockDriver() {
    {
        std::lock_guard lock(worker_mutex_);
        worker_stopping_ = true;
    }
    worker_cv_.notify_all();
    worker_.join();
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
    auto report_due = next + std::chrono::seconds(1);
    std::unique_lock lock(clock_mutex_);
    while (!stopping_) {
        next += options_.period;
        if (clock_cv_.wait_until(lock, next, [this] { return stopping_; })) {
            break;
        }
        lock.unlock();
        advance(options_.period);
        if (ear_ && next >= report_due) {
            report_due += std::chrono::seconds(1);
            std::map<std::string, ToneEar::Counts> counts;
            {
                std::lock_guard devices(mutex_);
                counts = ear_->counts();
            }
            (void)ToneEar::write(counts, options_.tone_report); // a benchmark's file: best effort
        }
        lock.lock();
    }
}

void MockDriver::schedule(std::chrono::steady_clock::time_point due, std::function<void(bool)> run) {
    {
        std::lock_guard lock(worker_mutex_);
        tasks_.emplace(due, std::move(run));
    }
    worker_cv_.notify_all();
}

void MockDriver::run_worker() {
    std::unique_lock lock(worker_mutex_);
    while (true) {
        if (worker_stopping_) {
            // Every completion runs exactly once: what is still waiting
            // learns that the driver went away.
            auto left = std::move(tasks_);
            tasks_.clear();
            lock.unlock();
            for (auto& [_, run] : left) {
                run(true);
            }
            return;
        }
        if (tasks_.empty()) {
            worker_cv_.wait(lock);
            continue;
        }
        auto first = tasks_.begin();
        if (first->first > std::chrono::steady_clock::now()) {
            worker_cv_.wait_until(lock, first->first);
            continue;
        }
        auto run = std::move(first->second);
        tasks_.erase(first);
        lock.unlock();
        run(false);
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
        for (auto& io : ios_) {
            if (io->core->device() == info.name) {
                io->core->set_connected(true);
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
        // Kept (not present) so that its I/O resumes when it is plugged back.
        it->second.present = false;
        for (auto& io : ios_) {
            if (io->core->device() == name) {
                io->core->set_connected(false);
            }
        }
    }
    listeners_.notify(DeviceEvent::removed, info);
    return {};
}

Result<DeviceInfo> MockDriver::plug_virtual(const VirtualDeviceSpec& spec) {
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

void MockDriver::create_virtual_device(const VirtualDeviceSpec& spec, Completion<DeviceInfo> done) {
    if (auto st = check_virtual_device_spec(spec); !st) {
        return complete<DeviceInfo>(std::move(done), tl::unexpected(st.error()));
    }
    if (options_.create_delay.count() <= 0) {
        return complete(std::move(done), plug_virtual(spec));
    }
    {
        std::lock_guard lock(mutex_);
        auto it = devices_.find(spec.name);
        if ((it != devices_.end() && it->second.present) || creating_.contains(spec.name)) {
            return complete<DeviceInfo>(
                std::move(done), fail(Errc::conflict, "device \"" + spec.name + "\" already exists", "name"));
        }
        // Reserved now, so that a second create of the name fails at once
        // as it would on a server that already has the node.
        creating_.insert(spec.name);
    }
    schedule(std::chrono::steady_clock::now() + options_.create_delay,
             [this, spec, done = std::move(done)](bool shutting_down) {
                 {
                     std::lock_guard lock(mutex_);
                     creating_.erase(spec.name);
                 }
                 if (shutting_down) {
                     done(fail(Errc::unavailable,
                               "the mock driver shut down before \"" + spec.name + "\" was created"));
                     return;
                 }
                 done(plug_virtual(spec));
             });
}

Status MockDriver::destroy_now(std::string_view name) {
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
    // A destroyed virtual device does not come back: its I/O stops.
    for (auto& io : ios_) {
        if (io->core->device() == name) {
            io->core->close();
        }
    }
    devices_.erase(devices_.find(name));
    return {};
}

void MockDriver::destroy_virtual_device(std::string name, Completion<void> done) {
    complete(std::move(done), destroy_now(name));
}

Result<std::unique_ptr<DeviceIo>> MockDriver::open_io(const DeviceIoSpec& spec) {
    if (open_hook_) {
        open_hook_(spec);
    }
    std::lock_guard lock(mutex_);
    auto it = devices_.find(spec.device);
    if (it == devices_.end() || !it->second.present) {
        return fail(Errc::not_found, "no device named \"" + spec.device + "\"", "device");
    }
    const DeviceInfo& info = it->second.device.info;
    if (spec.kind == IoKind::playback && info.direction == PortDirection::input && !info.is_virtual) {
        return fail(Errc::invalid_argument,
                    "cannot play into \"" + spec.device + "\": it is a source (input device)", "device");
    }
    const std::uint32_t rate = spec.rate ? spec.rate : info.rate;
    const std::uint32_t channels = spec.channels ? spec.channels : info.channels;
    if (auto st = check_io_format(rate, channels); !st) {
        return tl::unexpected(st.error());
    }
    const auto capacity = static_cast<std::size_t>(
        std::max<std::int64_t>(1, spec.ring_duration.count() * rate / 1'000'000'000));
    auto io = std::make_unique<Io>();
    io->core = std::make_shared<IoCore>(spec.kind, spec.device, rate, channels, capacity);
    io->core->set_connected(true);
    io->scratch.resize(chunk_frames * channels);
    Io* raw = io.get();
    auto core = io->core;
    ios_.push_back(std::move(io));
    auto latency = [rate] {
        return std::chrono::nanoseconds(std::int64_t(chunk_frames) * 1'000'000'000 / rate);
    };
    return std::make_unique<RingDeviceIo>(
        core, [this, raw] { close_io(raw); }, latency);
}

void MockDriver::close_io(Io* io) {
    std::lock_guard lock(mutex_);
    std::erase_if(ios_, [io](auto& i) { return i.get() == io; });
}

std::size_t MockDriver::open_io_count() const {
    std::lock_guard lock(mutex_);
    return ios_.size();
}

void MockDriver::advance(std::chrono::nanoseconds dt) {
    std::lock_guard lock(mutex_);
    for (auto& s : ios_) {
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
            if (s->core->kind() == IoKind::capture) {
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
                if (ear_) {
                    ear_->hear(s->core->device(), s->scratch.data(), n, channels, rate, dev.tone_hz);
                }
                if (options_.keep_recordings) {
                    auto& rec = recordings_[s->core->device()];
                    rec.insert(rec.end(), s->scratch.begin(),
                               s->scratch.begin() + std::ptrdiff_t(n) * channels);
                    // Drop the oldest half at once rather than a period each time.
                    if (const auto cap = options_.max_recording_samples; cap != 0 && rec.size() > cap) {
                        rec.erase(rec.begin(), rec.end() - std::ptrdiff_t(cap / 2));
                    }
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

void MockDriver::set_volume(std::string name, float volume, Completion<void> done) {
    if (auto st = check_volume(volume); !st) {
        return complete(std::move(done), st);
    }
    auto r = update(name, [volume](DeviceInfo& d) { d.volume = volume; });
    complete(std::move(done), r ? Status {} : tl::unexpected(r.error()));
}

void MockDriver::set_mute(std::string name, bool mute, Completion<void> done) {
    auto r = update(name, [mute](DeviceInfo& d) { d.mute = mute; });
    complete(std::move(done), r ? Status {} : tl::unexpected(r.error()));
}

} // namespace rocd::drivers
