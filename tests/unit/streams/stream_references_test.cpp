// The references of cross-peer streams coordinated here (docs/p2p.md
// §20.3): kept across a restart, told to listeners, each once.
#include <gtest/gtest.h>

#include "store/store.h"
#include "streams/stream_references.h"
#include "support/temp_dir.h"

namespace rocd::streams {
namespace {

const std::string source = "/peers/aaaaaa-bbbbbb-cccccc/ports/111111-222222-333333";
const std::string destination = "/peers/dddddd-eeeeee-ffffff/ports/444444-555555-666666";

class StreamReferencesTest : public ::testing::Test {
protected:
    store::Store open() {
        auto store = store::Store::open(dir_.path());
        EXPECT_TRUE(store) << store.error().message;
        return std::move(*store);
    }
    test::TempDir dir_ {"rocd-references"};
};

TEST_F(StreamReferencesTest, a_reference_names_both_peers_is_kept_across_a_restart_and_told_once) {
    const Uid uid = Uid::random();
    {
        auto store = open();
        StreamReferences references(store.stream_references());
        ASSERT_TRUE(references.start());
        std::vector<std::pair<StreamChange, Uid>> told;
        references.add_listener(
            [&](StreamChange change, const StreamReference& r) { told.emplace_back(change, r.uid); });
        ASSERT_TRUE(references.add(source, destination, uid));
        ASSERT_TRUE(references.add(source, destination, uid)); // again: as it is
        EXPECT_EQ(told.size(), 1u);
        auto kept = references.get(uid);
        ASSERT_TRUE(kept);
        EXPECT_EQ(kept->sender.str(), "aaaaaa-bbbbbb-cccccc");
        EXPECT_EQ(kept->receiver.str(), "dddddd-eeeeee-ffffff");
    }
    auto store = open();
    StreamReferences references(store.stream_references());
    ASSERT_TRUE(references.start());
    ASSERT_EQ(references.list().size(), 1u);
    EXPECT_EQ(references.list()[0].destination_uri, destination);
    ASSERT_TRUE(references.remove(uid));
    EXPECT_EQ(references.remove(uid).error().code, Errc::not_found);
    EXPECT_TRUE(store.stream_references().list()->empty());
}

TEST_F(StreamReferencesTest, both_ends_must_be_other_peers_ports) {
    auto store = open();
    StreamReferences references(store.stream_references());
    ASSERT_TRUE(references.start());
    EXPECT_EQ(
        references.add("/peers/self/ports/111111-222222-333333", destination, Uid::random()).error().code,
        Errc::invalid_argument);
    EXPECT_FALSE(references.add(source, "rtp://10.0.0.1:4000", Uid::random()));
    EXPECT_TRUE(references.list().empty());
    EXPECT_TRUE(store.stream_references().list()->empty());
}

} // namespace
} // namespace rocd::streams
