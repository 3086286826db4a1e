// PortService against the real mock driver, a real SQLite store in a
// temporary directory and a real io_context (driver events are posted there).
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "drivers/mock/mock_driver.h"
#include "ports/port_service.h"
#include "store/store.h"
#include "support/await.h"
#include "support/temp_dir.h"

namespace rocd::ports {
namespace {

using drivers::MockDevice;
using drivers::MockDriver;

using test::TempDir;

/// The service with its asynchronous calls awaited on its io_context, so
/// that each test reads as a sequence of calls and results.
class AwaitedPorts {
public:
    AwaitedPorts(boost::asio::io_context& io, drivers::DeviceDriver& driver,
                 store::PortRepository& repository, Uid self_uid)
        : io_(io), service_(io, driver, repository, std::move(self_uid)) {}

    Status start() {
        return test::await<void>(io_, [this](auto done) { service_.start(std::move(done)); });
    }
    Result<Port> create_virtual(const PortService::VirtualSpec& spec) {
        return test::await<Port>(io_, [&](auto done) { service_.create_virtual(spec, std::move(done)); });
    }
    Result<Port> update(const Uid& uid, const PortService::Update& update) {
        return test::await<Port>(io_, [&](auto done) { service_.update(uid, update, std::move(done)); });
    }
    Status remove(const Uid& uid) {
        return test::await<void>(io_, [&](auto done) { service_.remove(uid, std::move(done)); });
    }

    PortService::ListenerId add_listener(PortService::Listener listener) {
        return service_.add_listener(std::move(listener));
    }
    std::vector<Port> list() const { return service_.list(); }
    std::optional<Port> find(const Uid& uid) const { return service_.find(uid); }
    Result<Port> get(const Uid& uid) const { return service_.get(uid); }
    Status retain(const Uid& uid) { return service_.retain(uid); }
    void release(const Uid& uid) { service_.release(uid); }
    int references(const Uid& uid) const { return service_.references(uid); }

private:
    boost::asio::io_context& io_;
    PortService service_;
};

MockDevice device(std::string name, PortDirection direction, std::uint32_t channels) {
    MockDevice d;
    d.info.name = std::move(name);
    d.info.display_name = d.info.name + " (driver)";
    d.info.direction = direction;
    d.info.channels = channels;
    d.info.rate = 48000;
    return d;
}

std::vector<MockDevice> fixture() {
    return {device("alsa_output.speakers", PortDirection::output, 2),
            device("alsa_input.mic", PortDirection::input, 1)};
}

/// A driver that can be told to refuse, wrapping the mock.
class FlakyDriver final : public drivers::DeviceDriver {
public:
    explicit FlakyDriver(drivers::DeviceDriver& inner) : inner_(inner) {}
    bool fail_create = false;
    bool fail_destroy = false;
    bool fail_volume = false;

    std::string_view name() const override { return inner_.name(); }
    std::vector<drivers::DeviceInfo> devices() const override { return inner_.devices(); }
    drivers::SubscriptionId subscribe(drivers::DeviceListener l) override {
        return inner_.subscribe(std::move(l));
    }
    void unsubscribe(drivers::SubscriptionId id) override { inner_.unsubscribe(id); }
    void create_virtual_device(const drivers::VirtualDeviceSpec& spec,
                               drivers::Completion<drivers::DeviceInfo> done) override {
        if (fail_create) {
            return done(fail(Errc::unavailable, "the audio server refused"));
        }
        inner_.create_virtual_device(spec, std::move(done));
    }
    void destroy_virtual_device(std::string n, drivers::Completion<void> done) override {
        if (fail_destroy) {
            return done(fail(Errc::unavailable, "the audio server refused"));
        }
        inner_.destroy_virtual_device(std::move(n), std::move(done));
    }
    Result<std::unique_ptr<drivers::DeviceIo>> open_io(const drivers::DeviceIoSpec& spec) override {
        return inner_.open_io(spec);
    }
    void set_volume(std::string n, float v, drivers::Completion<void> done) override {
        if (fail_volume) {
            return done(fail(Errc::unavailable, "the audio server refused"));
        }
        inner_.set_volume(std::move(n), v, std::move(done));
    }
    void set_mute(std::string n, bool m, drivers::Completion<void> done) override {
        inner_.set_mute(std::move(n), m, std::move(done));
    }

private:
    drivers::DeviceDriver& inner_;
};

struct Event {
    PortService::Change change;
    Port port;
};

/// One daemon's worth of ports: driver, store, io_context, service.
class PortServiceTest : public ::testing::Test {
protected:
    void SetUp() override { boot(); }

    void boot(std::vector<MockDevice> devices = fixture()) {
        service.reset();
        flaky.reset();
        store.reset();
        mock = std::make_unique<MockDriver>(std::move(devices), MockDriver::Options {});
        flaky = std::make_unique<FlakyDriver>(*mock);
        auto opened = store::Store::open(dir.path());
        ASSERT_TRUE(opened) << opened.error().message;
        store.emplace(std::move(*opened));
        restart_service();
    }

    /// A new service on the same driver and store (as after a daemon restart
    /// where the audio server kept running).
    void restart_service() {
        service.reset();
        service = std::make_unique<AwaitedPorts>(io, *flaky, store->ports(), store->self_uid());
        auto started = service->start();
        ASSERT_TRUE(started) << started.error().message;
        events.clear();
        service->add_listener([this](PortService::Change c, const Port& p) { events.push_back({c, p}); });
    }

    /// Runs what is posted until the driver has been quiet for 20 ms:
    /// device events, and the completions of the driver calls they start.
    void settle() {
        for (int idle = 0; idle < 4;) {
            io.restart();
            if (io.poll() == 0) {
                ++idle;
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
            } else {
                idle = 0;
            }
        }
    }

    Uid uid_of(const std::string& name) const { return drivers::port_uid("mock", name); }

    TempDir dir;
    boost::asio::io_context io;
    std::unique_ptr<MockDriver> mock;
    std::unique_ptr<FlakyDriver> flaky;
    std::optional<store::Store> store;
    std::unique_ptr<AwaitedPorts> service;
    std::vector<Event> events;
};

PortService::VirtualSpec speaker(std::string name = "Kitchen") {
    return {PortDirection::output, std::move(name), 2, 48000};
}

TEST_F(PortServiceTest, lists_driver_devices_as_present_system_ports) {
    auto ports = service->list();
    ASSERT_EQ(ports.size(), 2u);
    auto speakers = service->find(uid_of("alsa_output.speakers"));
    ASSERT_TRUE(speakers);
    EXPECT_TRUE(speakers->present);
    EXPECT_EQ(speakers->port_type, PortType::system_device);
    EXPECT_EQ(speakers->direction, PortDirection::output);
    EXPECT_EQ(speakers->system_name, "alsa_output.speakers");
    EXPECT_EQ(speakers->display_name, "alsa_output.speakers (driver)");
    EXPECT_EQ(speakers->channels, 2u);
    EXPECT_EQ(speakers->rate, 48000u);
    EXPECT_EQ(speakers->driver, "mock");
    // Nothing about a present system device is stored until it is changed.
    EXPECT_TRUE(store->ports().list()->empty());
}

TEST_F(PortServiceTest, creates_virtual_speaker_in_driver_and_store) {
    auto port = service->create_virtual(speaker());
    ASSERT_TRUE(port) << port.error().message;
    EXPECT_EQ(port->port_type, PortType::virtual_device);
    EXPECT_EQ(port->direction, PortDirection::output);
    EXPECT_EQ(port->display_name, "Kitchen");
    EXPECT_TRUE(port->present);
    EXPECT_EQ(port->uid, drivers::port_uid("mock", port->system_name));
    EXPECT_EQ(port->system_name.rfind("rocd_virtual_", 0), 0u);

    auto info = mock->device(port->system_name);
    ASSERT_TRUE(info);
    EXPECT_TRUE(info->is_virtual);
    EXPECT_EQ(info->direction, PortDirection::output);
    auto row = store->ports().get(port->uid);
    ASSERT_TRUE(row);
    EXPECT_EQ(row->port_type, PortType::virtual_device);

    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].change, PortService::Change::added);
    // The driver's own "added" notification changes nothing visible.
    settle();
    EXPECT_EQ(events.size(), 1u);
}

TEST_F(PortServiceTest, virtual_microphone_is_an_input_device) {
    auto port = service->create_virtual({PortDirection::input, "", 1, 16000});
    ASSERT_TRUE(port) << port.error().message;
    EXPECT_EQ(port->display_name, "Virtual microphone");
    EXPECT_EQ(mock->device(port->system_name)->direction, PortDirection::input);
    EXPECT_EQ(port->rate, 16000u);
}

TEST_F(PortServiceTest, rejects_bad_virtual_specs_naming_the_field) {
    struct Case {
        PortService::VirtualSpec spec;
        const char* field;
    };
    const std::vector<Case> cases {
        {{PortDirection::duplex, "x", 2, 48000}, "direction"},
        {{PortDirection::output, "x", 0, 48000}, "channels"},
        {{PortDirection::output, "x", 33, 48000}, "channels"},
        {{PortDirection::output, "x", 2, 7999}, "rate"},
        {{PortDirection::output, "x", 2, 192001}, "rate"},
        {{PortDirection::output, std::string(65, 'x'), 2, 48000}, "display_name"},
        {{PortDirection::output, "a\nb", 2, 48000}, "display_name"},
    };
    for (const auto& c : cases) {
        auto port = service->create_virtual(c.spec);
        ASSERT_FALSE(port) << c.field;
        EXPECT_EQ(port.error().code, Errc::invalid_argument);
        EXPECT_EQ(port.error().field, c.field);
    }
    EXPECT_EQ(mock->devices().size(), 2u);
    EXPECT_TRUE(store->ports().list()->empty());
    EXPECT_TRUE(events.empty());
}

TEST_F(PortServiceTest, driver_failure_stores_nothing) {
    flaky->fail_create = true;
    auto port = service->create_virtual(speaker());
    ASSERT_FALSE(port);
    EXPECT_EQ(port.error().code, Errc::unavailable);
    EXPECT_TRUE(store->ports().list()->empty());
    EXPECT_EQ(service->list().size(), 2u);
    EXPECT_TRUE(events.empty());
}

TEST_F(PortServiceTest, store_failure_destroys_the_new_device) {
    // A service whose peer is not in the store: every insert fails.
    AwaitedPorts orphan(io, *flaky, store->ports(), Uid::random());
    ASSERT_TRUE(orphan.start());
    auto port = orphan.create_virtual(speaker());
    ASSERT_FALSE(port);
    EXPECT_EQ(mock->devices().size(), 2u);
    EXPECT_EQ(orphan.list().size(), 2u);
}

TEST_F(PortServiceTest, virtual_device_is_recreated_with_its_uid_after_restart) {
    auto port = service->create_virtual(speaker());
    ASSERT_TRUE(port);
    const Uid uid = port->uid;
    // A new process: the audio server forgot rocd's virtual devices.
    boot();
    auto again = service->find(uid);
    ASSERT_TRUE(again);
    EXPECT_TRUE(again->present);
    EXPECT_EQ(again->display_name, "Kitchen");
    EXPECT_EQ(again->port_type, PortType::virtual_device);
    EXPECT_TRUE(mock->device(again->system_name));
    EXPECT_EQ(service->list().size(), 3u);
}

TEST_F(PortServiceTest, restart_keeps_a_virtual_device_the_driver_still_has) {
    auto port = service->create_virtual(speaker());
    ASSERT_TRUE(port);
    restart_service();
    EXPECT_EQ(mock->devices().size(), 3u);
    EXPECT_TRUE(service->find(port->uid)->present);
}

TEST_F(PortServiceTest, refuses_to_delete_a_system_device) {
    auto removed = service->remove(uid_of("alsa_output.speakers"));
    ASSERT_FALSE(removed);
    EXPECT_EQ(removed.error().code, Errc::conflict);
    EXPECT_NE(removed.error().message.find("system device"), std::string::npos);
    EXPECT_TRUE(mock->device("alsa_output.speakers"));
}

TEST_F(PortServiceTest, deletes_virtual_device_from_driver_and_store) {
    auto port = service->create_virtual(speaker());
    ASSERT_TRUE(port);
    settle();
    events.clear();
    ASSERT_TRUE(service->remove(port->uid));
    EXPECT_FALSE(mock->device(port->system_name));
    EXPECT_FALSE(store->ports().get(port->uid));
    EXPECT_FALSE(service->find(port->uid));
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].change, PortService::Change::removed);
    settle();
    EXPECT_EQ(events.size(), 1u);
    EXPECT_EQ(service->remove(port->uid).error().code, Errc::not_found);
}

TEST_F(PortServiceTest, delete_that_the_driver_refuses_keeps_the_row) {
    auto port = service->create_virtual(speaker());
    ASSERT_TRUE(port);
    flaky->fail_destroy = true;
    ASSERT_FALSE(service->remove(port->uid));
    EXPECT_TRUE(store->ports().get(port->uid));
    EXPECT_TRUE(service->find(port->uid));
}

TEST_F(PortServiceTest, patch_applies_to_driver_and_persists) {
    const Uid uid = uid_of("alsa_output.speakers");
    auto port = service->update(uid, {std::string("Living room"), 0.5, true});
    ASSERT_TRUE(port) << port.error().message;
    EXPECT_EQ(port->display_name, "Living room");
    EXPECT_EQ(port->volume, 0.5);
    EXPECT_TRUE(port->mute);
    EXPECT_EQ(mock->device("alsa_output.speakers")->volume, 0.5f);
    EXPECT_TRUE(mock->device("alsa_output.speakers")->mute);
    auto row = store->ports().get(uid);
    ASSERT_TRUE(row);
    EXPECT_EQ(row->display_name, "Living room");
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].change, PortService::Change::updated);

    // Settings survive a restart and are applied to the device again.
    boot();
    auto again = service->find(uid);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->display_name, "Living room");
    EXPECT_EQ(mock->device("alsa_output.speakers")->volume, 0.5f);
    EXPECT_TRUE(mock->device("alsa_output.speakers")->mute);
}

TEST_F(PortServiceTest, patch_validates_fields) {
    const Uid uid = uid_of("alsa_output.speakers");
    EXPECT_EQ(service->update(uid, {std::nullopt, 4.5, std::nullopt}).error().field, "volume");
    EXPECT_EQ(service->update(uid, {std::nullopt, -0.1, std::nullopt}).error().field, "volume");
    EXPECT_EQ(service->update(uid, {std::string(), std::nullopt, std::nullopt}).error().field,
              "display_name");
    EXPECT_EQ(service->update(uid, {}).error().code, Errc::invalid_argument);
    EXPECT_EQ(service->update(Uid::random(), {std::nullopt, 1.0, std::nullopt}).error().code,
              Errc::not_found);
    EXPECT_TRUE(store->ports().list()->empty());
}

TEST_F(PortServiceTest, patch_that_the_driver_refuses_stores_nothing) {
    flaky->fail_volume = true;
    auto port = service->update(uid_of("alsa_output.speakers"), {std::nullopt, 0.5, std::nullopt});
    ASSERT_FALSE(port);
    EXPECT_TRUE(store->ports().list()->empty());
}

TEST_F(PortServiceTest, hotplug_events_are_handled_on_the_io_context) {
    ASSERT_TRUE(mock->plug(device("usb_headset", PortDirection::output, 2)));
    EXPECT_TRUE(events.empty()) << "handled on the driver thread";
    settle();
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].change, PortService::Change::added);
    EXPECT_EQ(events[0].port.system_name, "usb_headset");

    ASSERT_TRUE(mock->unplug("usb_headset"));
    settle();
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[1].change, PortService::Change::removed);
    EXPECT_FALSE(service->find(uid_of("usb_headset")));
}

TEST_F(PortServiceTest, unplugged_device_with_settings_stays_absent_and_gets_them_back) {
    const Uid uid = uid_of("alsa_output.speakers");
    ASSERT_TRUE(service->update(uid, {std::string("Living room"), std::nullopt, std::nullopt}));
    events.clear();
    ASSERT_TRUE(mock->unplug("alsa_output.speakers"));
    settle();
    auto absent = service->find(uid);
    ASSERT_TRUE(absent);
    EXPECT_FALSE(absent->present);
    EXPECT_EQ(absent->display_name, "Living room");
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].change, PortService::Change::updated);

    // Changed while absent: stored, applied when it comes back.
    auto patched = service->update(uid, {std::nullopt, 0.25, true});
    ASSERT_TRUE(patched) << patched.error().message;
    EXPECT_FALSE(patched->present);
    EXPECT_EQ(patched->volume, 0.25);

    ASSERT_TRUE(mock->plug(device("alsa_output.speakers", PortDirection::output, 2)));
    settle();
    auto back = service->find(uid);
    ASSERT_TRUE(back);
    EXPECT_TRUE(back->present);
    EXPECT_EQ(back->display_name, "Living room");
    EXPECT_EQ(mock->device("alsa_output.speakers")->volume, 0.25f);
    EXPECT_TRUE(mock->device("alsa_output.speakers")->mute);
}

TEST_F(PortServiceTest, retained_port_stays_listed_when_unplugged_and_cannot_be_deleted) {
    const Uid mic = uid_of("alsa_input.mic");
    ASSERT_TRUE(service->retain(mic));
    EXPECT_EQ(service->references(mic), 1);
    ASSERT_TRUE(mock->unplug("alsa_input.mic"));
    settle();
    auto absent = service->find(mic);
    ASSERT_TRUE(absent);
    EXPECT_FALSE(absent->present);
    EXPECT_EQ(absent->channels, 1u);

    auto port = service->create_virtual(speaker());
    ASSERT_TRUE(port);
    ASSERT_TRUE(service->retain(port->uid));
    EXPECT_EQ(service->remove(port->uid).error().code, Errc::conflict);
    service->release(port->uid);
    EXPECT_TRUE(service->remove(port->uid));
    EXPECT_EQ(service->retain(Uid::random()).error().code, Errc::not_found);
}

TEST_F(PortServiceTest, late_driver_event_does_not_resurrect_a_deleted_device) {
    auto port = service->create_virtual(speaker());
    ASSERT_TRUE(port);
    // "added" is still queued when the device is deleted.
    ASSERT_TRUE(service->remove(port->uid));
    settle();
    EXPECT_FALSE(service->find(port->uid));
}

/// The service's own asynchronous calls, without the awaiting wrapper: a
/// driver that takes 300 ms to create a device.
class SlowDriverTest : public ::testing::Test {
protected:
    void SetUp() override {
        MockDriver::Options options;
        options.create_delay = std::chrono::milliseconds(300);
        mock = std::make_unique<MockDriver>(fixture(), options);
        auto opened = store::Store::open(dir.path());
        ASSERT_TRUE(opened) << opened.error().message;
        store.emplace(std::move(*opened));
        service = std::make_unique<PortService>(io, *mock, store->ports(), store->self_uid());
        ASSERT_TRUE(test::await<void>(io, [this](auto done) { service->start(std::move(done)); }));
    }

    /// Runs the io_context until `done()` or 5 s.
    void run_until(const std::function<bool()>& done) {
        auto busy = boost::asio::make_work_guard(io);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        io.restart();
        while (!done() && std::chrono::steady_clock::now() < deadline) {
            io.run_one_for(std::chrono::milliseconds(10));
        }
    }

    TempDir dir;
    boost::asio::io_context io;
    std::unique_ptr<MockDriver> mock;
    std::optional<store::Store> store;
    std::unique_ptr<PortService> service;
};

TEST_F(SlowDriverTest, other_ports_change_while_a_device_is_being_created) {
    std::optional<Result<Port>> created;
    service->create_virtual(speaker(), [&](Result<Port> port) { created = std::move(port); });
    EXPECT_FALSE(created); // the call returned without waiting for the driver

    std::optional<Result<Port>> renamed;
    service->update(drivers::port_uid("mock", "alsa_input.mic"), {std::string("Desk mic"), {}, {}},
                    [&](Result<Port> port) { renamed = std::move(port); });
    run_until([&] { return renamed.has_value(); });
    ASSERT_TRUE(renamed && *renamed);
    EXPECT_EQ((*renamed)->display_name, "Desk mic");
    EXPECT_FALSE(created); // still waiting for its device
    EXPECT_EQ(service->list().size(), 2u);

    run_until([&] { return created.has_value(); });
    ASSERT_TRUE(created && *created) << created->error().message;
    EXPECT_EQ(service->list().size(), 3u);
}

TEST_F(SlowDriverTest, changes_of_one_port_apply_in_the_order_they_were_asked) {
    std::optional<Result<Port>> created;
    service->create_virtual(speaker(), [&](Result<Port> port) { created = std::move(port); });
    run_until([&] { return created.has_value(); });
    ASSERT_TRUE(created && *created);
    const Uid uid = (*created)->uid;

    std::vector<std::string> answers;
    service->update(uid, {std::string("First"), {}, {}}, [&](Result<Port> port) {
        answers.push_back(port ? port->display_name : port.error().message);
    });
    service->remove(uid, [&](Status removed) { answers.push_back(removed ? "removed" : "not removed"); });
    service->update(uid, {std::string("Too late"), {}, {}},
                    [&](Result<Port> port) { answers.push_back(port ? port->display_name : "not found"); });
    run_until([&] { return answers.size() == 3; });
    EXPECT_EQ(answers, (std::vector<std::string> {"First", "removed", "not found"}));
    EXPECT_FALSE(service->find(uid));
}

TEST(VirtualDeviceName, is_derived_from_a_uid_and_safe_for_node_names) {
    auto uid = Uid::parse("rx4sse-w0zas1-gf2s1o");
    ASSERT_TRUE(uid);
    EXPECT_EQ(virtual_device_name(*uid), "rocd_virtual_rx4sse_w0zas1_gf2s1o");
}

} // namespace
} // namespace rocd::ports
