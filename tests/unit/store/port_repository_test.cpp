#include <cmath>
#include <limits>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store_fixture.h"

namespace rocd::store {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

class PortRepositoryTest : public test::StoreFixture {
protected:
    PortRecord speakers() {
        PortRecord port {Uid::derive("port", "alsa_output.pci-0000_00_1f.3.analog-stereo"),
                         store().self_uid()};
        port.port_type = PortType::system_device;
        port.direction = PortDirection::output;
        port.driver = "pipewire";
        port.system_name = "alsa_output.pci-0000_00_1f.3.analog-stereo";
        port.display_name = "Speakers";
        port.channels = 2;
        port.rate = 48000;
        port.volume = 0.75;
        port.mute = false;
        return port;
    }

    PortRecord virtual_mic() {
        PortRecord port {Uid::random(), store().self_uid()};
        port.port_type = PortType::virtual_device;
        port.direction = PortDirection::input;
        port.driver = "pipewire";
        port.system_name = "rocd.virtual.mic";
        port.display_name = "Network mic";
        port.channels = 1;
        port.rate = 44100;
        port.volume = 1.0;
        port.mute = true;
        return port;
    }
};

void expect_same_fields(const PortRecord& a, const PortRecord& b) {
    EXPECT_EQ(a.uid, b.uid);
    EXPECT_EQ(a.peer_uid, b.peer_uid);
    EXPECT_EQ(a.port_type, b.port_type);
    EXPECT_EQ(a.direction, b.direction);
    EXPECT_EQ(a.driver, b.driver);
    EXPECT_EQ(a.system_name, b.system_name);
    EXPECT_EQ(a.display_name, b.display_name);
    EXPECT_EQ(a.channels, b.channels);
    EXPECT_EQ(a.rate, b.rate);
    EXPECT_DOUBLE_EQ(a.volume, b.volume);
    EXPECT_EQ(a.mute, b.mute);
}

TEST_F(PortRepositoryTest, insert_stores_every_field_and_survives_reopen) {
    const PortRecord port = speakers();
    auto stored = store().ports().insert(port);
    ASSERT_TRUE(stored) << stored.error().message;
    expect_same_fields(*stored, port);
    EXPECT_EQ(stored->created_at, clock_.now());
    EXPECT_EQ(stored->updated_at, clock_.now());

    reopen();
    auto read = store().ports().get(port.uid);
    ASSERT_TRUE(read);
    expect_same_fields(*read, port);
    EXPECT_EQ(read->created_at, clock_.now());
}

TEST_F(PortRepositoryTest, insert_of_a_taken_uid_is_a_conflict) {
    ASSERT_TRUE(store().ports().insert(speakers()));
    PortRecord again = speakers();
    again.display_name = "Other";
    auto stored = store().ports().insert(again);
    ASSERT_FALSE(stored);
    EXPECT_EQ(stored.error().code, Errc::conflict);
    EXPECT_THAT(stored.error().message, HasSubstr("already exists"));
    EXPECT_EQ(store().ports().get(again.uid)->display_name, "Speakers");
}

TEST_F(PortRepositoryTest, insert_for_an_unknown_peer_is_not_found) {
    PortRecord port = speakers();
    port.peer_uid = Uid::random();
    auto stored = store().ports().insert(port);
    ASSERT_FALSE(stored);
    EXPECT_EQ(stored.error().code, Errc::not_found);
    EXPECT_EQ(stored.error().field, "peer_uid");
    EXPECT_THAT(stored.error().message, HasSubstr(port.peer_uid.str()));
    EXPECT_TRUE(store().ports().list()->empty());
}

TEST_F(PortRepositoryTest, insert_rejects_impossible_audio_parameters) {
    PortRecord no_channels = speakers();
    no_channels.channels = 0;
    EXPECT_EQ(store().ports().insert(no_channels).error().code, Errc::invalid_argument);
    PortRecord no_rate = speakers();
    no_rate.rate = 0;
    EXPECT_EQ(store().ports().insert(no_rate).error().code, Errc::invalid_argument);
    PortRecord negative = speakers();
    negative.volume = -0.5;
    EXPECT_EQ(store().ports().insert(negative).error().code, Errc::invalid_argument);
    PortRecord nan = speakers();
    nan.volume = std::numeric_limits<double>::quiet_NaN();
    EXPECT_EQ(store().ports().insert(nan).error().code, Errc::invalid_argument);
    EXPECT_TRUE(store().ports().list()->empty());
}

TEST_F(PortRepositoryTest, get_of_an_unknown_uid_is_not_found) {
    auto port = store().ports().get(Uid::random());
    ASSERT_FALSE(port);
    EXPECT_EQ(port.error().code, Errc::not_found);
}

TEST_F(PortRepositoryTest, list_and_list_by_peer_return_ports_oldest_first) {
    const Uid remote = Uid::random();
    ASSERT_TRUE(store().peers().put({remote, "remote"}));
    PortRecord remote_port = virtual_mic();
    remote_port.peer_uid = remote;
    ASSERT_TRUE(store().ports().insert(speakers()));
    clock_.advance(1s);
    ASSERT_TRUE(store().ports().insert(remote_port));
    clock_.advance(1s);
    const PortRecord mic = virtual_mic();
    ASSERT_TRUE(store().ports().insert(mic));

    auto all = store().ports().list();
    ASSERT_TRUE(all);
    ASSERT_EQ(all->size(), 3u);
    EXPECT_EQ((*all)[0].uid, speakers().uid);
    EXPECT_EQ((*all)[1].uid, remote_port.uid);
    EXPECT_EQ((*all)[2].uid, mic.uid);

    auto mine = store().ports().list_by_peer(store().self_uid());
    ASSERT_TRUE(mine);
    ASSERT_EQ(mine->size(), 2u);
    EXPECT_EQ((*mine)[0].uid, speakers().uid);
    EXPECT_EQ((*mine)[1].uid, mic.uid);
    expect_same_fields((*mine)[1], mic);

    EXPECT_EQ(store().ports().list_by_peer(remote)->size(), 1u);
    EXPECT_TRUE(store().ports().list_by_peer(Uid::random())->empty());
}

TEST_F(PortRepositoryTest, update_replaces_fields_but_not_peer_or_created_at) {
    const auto created = clock_.now();
    ASSERT_TRUE(store().ports().insert(speakers()));
    clock_.advance(2s);
    PortRecord changed = speakers();
    changed.peer_uid = Uid::random(); // ignored
    changed.display_name = "Desk speakers";
    changed.volume = 0.5;
    changed.mute = true;
    changed.direction = PortDirection::duplex;
    changed.port_type = PortType::virtual_device;
    changed.channels = 6;
    changed.rate = 96000;
    auto stored = store().ports().update(changed);
    ASSERT_TRUE(stored) << stored.error().message;
    changed.peer_uid = store().self_uid();
    expect_same_fields(*stored, changed);
    EXPECT_EQ(stored->created_at, created);
    EXPECT_EQ(stored->updated_at, clock_.now());

    reopen();
    expect_same_fields(*store().ports().get(changed.uid), changed);
}

TEST_F(PortRepositoryTest, update_of_an_unknown_port_is_not_found) {
    auto stored = store().ports().update(speakers());
    ASSERT_FALSE(stored);
    EXPECT_EQ(stored.error().code, Errc::not_found);
}

TEST_F(PortRepositoryTest, update_rejects_impossible_values_and_keeps_the_row) {
    ASSERT_TRUE(store().ports().insert(speakers()));
    PortRecord bad = speakers();
    bad.rate = 0;
    EXPECT_EQ(store().ports().update(bad).error().code, Errc::invalid_argument);
    EXPECT_EQ(store().ports().get(bad.uid)->rate, 48000u);
}

TEST_F(PortRepositoryTest, remove_deletes_and_then_is_not_found) {
    ASSERT_TRUE(store().ports().insert(speakers()));
    ASSERT_TRUE(store().ports().remove(speakers().uid));
    EXPECT_EQ(store().ports().get(speakers().uid).error().code, Errc::not_found);
    auto again = store().ports().remove(speakers().uid);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, Errc::not_found);
}

TEST(PortEnums, round_trip_through_their_names) {
    for (PortType type : {PortType::system_device, PortType::virtual_device}) {
        EXPECT_EQ(parse_port_type(to_string(type)).value(), type);
    }
    for (PortDirection d : {PortDirection::output, PortDirection::input, PortDirection::duplex}) {
        EXPECT_EQ(parse_port_direction(to_string(d)).value(), d);
    }
    EXPECT_EQ(to_string(PortType::virtual_device), "virtual_device");
    EXPECT_EQ(to_string(PortDirection::duplex), "duplex");
}

TEST(PortEnums, unknown_names_are_invalid_arguments_with_the_field) {
    auto type = parse_port_type("Sink");
    ASSERT_FALSE(type);
    EXPECT_EQ(type.error().code, Errc::invalid_argument);
    EXPECT_EQ(type.error().field, "port_type");
    auto direction = parse_port_direction("sideways");
    ASSERT_FALSE(direction);
    EXPECT_EQ(direction.error().field, "direction");
}

} // namespace
} // namespace rocd::store
