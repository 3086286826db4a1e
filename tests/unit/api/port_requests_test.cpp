// Another peer's port requests (docs/p2p.md §13) served against the real
// mock driver and a real store, as the REST API would serve them.
#include "api/routes/port_requests.h"

#include <optional>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "drivers/mock/mock_driver.h"
#include "ports/port_service.h"
#include "store/store.h"
#include "support/await.h"
#include "support/temp_dir.h"

namespace rocd::api {
namespace {

class PortRequestsTest : public ::testing::Test {
protected:
    void SetUp() override {
        drivers::MockDevice speakers;
        speakers.info.name = "alsa_output.speakers";
        speakers.info.display_name = "Speakers";
        speakers.info.direction = PortDirection::output;
        speakers.info.channels = 2;
        speakers.info.rate = 48000;
        driver =
            std::make_unique<drivers::MockDriver>(std::vector {speakers}, drivers::MockDriver::Options {});
        auto opened = store::Store::open(dir.path());
        ASSERT_TRUE(opened) << opened.error().message;
        store.emplace(std::move(*opened));
        ports = std::make_unique<ports::PortService>(io, *driver, store->ports(), store->self_uid());
        ASSERT_TRUE(test::await<void>(io, [&](auto done) { ports->start(std::move(done)); }));
    }

    /// Serves a request and returns its answer.
    p2p::Message serve(std::string type, nlohmann::json body) {
        p2p::Message request;
        request.type = std::move(type);
        request.id = ++id;
        request.body = std::move(body);
        auto answer = test::await<p2p::Message>(io, [&](auto done) {
            serve_port_request(*ports, request, [done](p2p::Message m) { done(std::move(m)); });
        });
        EXPECT_TRUE(answer) << "no answer to " << request.type;
        return answer.value_or(p2p::Message {});
    }
    Uid speakers_uid() const {
        for (const auto& port : ports->list()) {
            if (port.port_type == PortType::system_device) {
                return port.uid;
            }
        }
        throw std::runtime_error("no system device");
    }

    boost::asio::io_context io;
    test::TempDir dir;
    std::unique_ptr<drivers::MockDriver> driver;
    std::optional<store::Store> store;
    std::unique_ptr<ports::PortService> ports;
    std::uint64_t id = 0;
};

TEST_F(PortRequestsTest, a_create_uid_makes_one_device_however_often_it_is_asked) {
    const nlohmann::json body {{"create_uid", "c8v2nx-u5k1mt-r7h4sw"},
                               {"direction", "output"},
                               {"display_name", "From studio"},
                               {"a_field_of_a_newer_peer", true}};
    auto first = serve("port_create_virtual", body);
    ASSERT_EQ(first.type, "port_create_virtual_reply") << first.body.dump();
    EXPECT_EQ(first.re, id);
    EXPECT_EQ(first.body["port"]["system_name"], "rocd_virtual_c8v2nx_u5k1mt_r7h4sw");
    EXPECT_EQ(first.body["port"]["display_name"], "From studio");
    auto again = serve("port_create_virtual", body);
    ASSERT_EQ(again.type, "port_create_virtual_reply");
    EXPECT_EQ(again.body["port"]["port_uid"], first.body["port"]["port_uid"]);
    EXPECT_EQ(ports->list().size(), 2u) << "the speakers and one virtual device";
}

TEST_F(PortRequestsTest, a_bad_create_is_refused_with_the_problem_rest_would_answer) {
    auto no_uid = serve("port_create_virtual", {{"direction", "output"}});
    EXPECT_EQ(no_uid.type, "error");
    EXPECT_EQ(no_uid.body["code"], "invalid_argument");
    EXPECT_EQ(no_uid.body["problem"]["field"], "create_uid");
    auto duplex =
        serve("port_create_virtual", {{"create_uid", "c8v2nx-u5k1mt-r7h4sw"}, {"direction", "duplex"}});
    EXPECT_EQ(duplex.body["code"], "invalid_argument");
    EXPECT_EQ(duplex.body["problem"]["status"], 400);
    EXPECT_EQ(duplex.body["problem"]["field"], "direction");
    EXPECT_EQ(ports->list().size(), 1u) << "nothing made";
}

TEST_F(PortRequestsTest, an_update_changes_the_port_and_answers_it) {
    auto updated =
        serve("port_update", {{"port_uid", speakers_uid().str()}, {"volume", 0.5}, {"mute", true}});
    ASSERT_EQ(updated.type, "port_update_reply") << updated.body.dump();
    EXPECT_EQ(updated.body["port"]["volume"], 0.5);
    EXPECT_EQ(updated.body["port"]["mute"], true);
    EXPECT_EQ(ports->get(speakers_uid())->volume, 0.5);

    auto range = serve("port_update", {{"port_uid", speakers_uid().str()}, {"volume", 7}});
    EXPECT_EQ(range.body["code"], "invalid_argument");
    EXPECT_EQ(range.body["problem"]["field"], "volume");
    auto nothing = serve("port_update", {{"port_uid", speakers_uid().str()}});
    EXPECT_EQ(nothing.body["code"], "invalid_argument") << "at least one field";
    auto unknown = serve("port_update", {{"port_uid", "aaaaaa-bbbbbb-cccccc"}, {"mute", false}});
    EXPECT_EQ(unknown.body["code"], "not_found");
    EXPECT_EQ(unknown.body["problem"]["status"], 404);
    auto no_port = serve("port_update", {{"port_uid", 12}, {"mute", false}});
    EXPECT_EQ(no_port.body["problem"]["field"], "port_uid");
}

TEST_F(PortRequestsTest, delete_removes_virtual_devices_only) {
    auto system = serve("port_delete", {{"port_uid", speakers_uid().str()}});
    EXPECT_EQ(system.body["code"], "conflict");
    EXPECT_EQ(system.body["problem"]["status"], 409);

    auto created =
        serve("port_create_virtual", {{"create_uid", "c8v2nx-u5k1mt-r7h4sw"}, {"direction", "input"}});
    const std::string uid = created.body["port"]["port_uid"];
    auto removed = serve("port_delete", {{"port_uid", uid}});
    ASSERT_EQ(removed.type, "port_delete_reply") << removed.body.dump();
    EXPECT_EQ(removed.body["port_uid"], uid);
    EXPECT_EQ(serve("port_delete", {{"port_uid", uid}}).body["code"], "not_found") << "idempotent (§7.3)";
}

} // namespace
} // namespace rocd::api
