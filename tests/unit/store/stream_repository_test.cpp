#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store_fixture.h"

namespace rocd::store {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

constexpr const char* send_spec =
    R"({"source":{"type":"port","port_uri":"/peers/self/ports/6azqwm-ihg3c9-p9b2aq"},)"
    R"("destination":{"type":"address","media_uri":"rtp+rs8m://192.168.0.101:10001"}})";

class StreamRepositoryTest : public test::StoreFixture {};

TEST_F(StreamRepositoryTest, insert_stores_the_spec_verbatim_and_survives_reopen) {
    const Uid uid = Uid::random();
    auto stored = store().streams().insert({uid, send_spec});
    ASSERT_TRUE(stored) << stored.error().message;
    EXPECT_EQ(stored->uid, uid);
    EXPECT_EQ(stored->spec, send_spec);
    EXPECT_EQ(stored->created_at, clock_.now());
    EXPECT_EQ(stored->updated_at, clock_.now());
    reopen();
    auto read = store().streams().get(uid);
    ASSERT_TRUE(read);
    EXPECT_EQ(read->spec, send_spec);
}

TEST_F(StreamRepositoryTest, insert_of_a_taken_uid_is_a_conflict) {
    const Uid uid = Uid::random();
    ASSERT_TRUE(store().streams().insert({uid, "{}"}));
    auto again = store().streams().insert({uid, "[]"});
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, Errc::conflict);
    EXPECT_EQ(store().streams().get(uid)->spec, "{}");
}

TEST_F(StreamRepositoryTest, insert_rejects_a_spec_that_is_not_json) {
    auto stored = store().streams().insert({Uid::random(), "{not json"});
    ASSERT_FALSE(stored);
    EXPECT_EQ(stored.error().code, Errc::invalid_argument);
    EXPECT_EQ(stored.error().field, "spec");
    EXPECT_TRUE(store().streams().list()->empty());
}

TEST_F(StreamRepositoryTest, get_of_an_unknown_uid_is_not_found) {
    auto stream = store().streams().get(Uid::random());
    ASSERT_FALSE(stream);
    EXPECT_EQ(stream.error().code, Errc::not_found);
}

TEST_F(StreamRepositoryTest, list_returns_streams_oldest_first) {
    const Uid first = Uid::random();
    const Uid second = Uid::random();
    ASSERT_TRUE(store().streams().insert({first, "{}"}));
    clock_.advance(1ms);
    ASSERT_TRUE(store().streams().insert({second, "{}"}));
    auto streams = store().streams().list();
    ASSERT_TRUE(streams);
    ASSERT_EQ(streams->size(), 2u);
    EXPECT_EQ((*streams)[0].uid, first);
    EXPECT_EQ((*streams)[1].uid, second);
}

TEST_F(StreamRepositoryTest, update_replaces_the_spec_and_keeps_created_at) {
    const Uid uid = Uid::random();
    const auto created = clock_.now();
    ASSERT_TRUE(store().streams().insert({uid, "{}"}));
    clock_.advance(1s);
    auto stored = store().streams().update({uid, send_spec});
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->spec, send_spec);
    EXPECT_EQ(stored->created_at, created);
    EXPECT_EQ(stored->updated_at, clock_.now());
}

TEST_F(StreamRepositoryTest, update_of_an_unknown_stream_is_not_found) {
    auto stored = store().streams().update({Uid::random(), "{}"});
    ASSERT_FALSE(stored);
    EXPECT_EQ(stored.error().code, Errc::not_found);
}

TEST_F(StreamRepositoryTest, update_rejects_a_spec_that_is_not_json_and_keeps_the_old_one) {
    const Uid uid = Uid::random();
    ASSERT_TRUE(store().streams().insert({uid, "{}"}));
    auto stored = store().streams().update({uid, "nope"});
    ASSERT_FALSE(stored);
    EXPECT_EQ(stored.error().code, Errc::invalid_argument);
    EXPECT_EQ(store().streams().get(uid)->spec, "{}");
}

TEST_F(StreamRepositoryTest, remove_deletes_and_then_is_not_found) {
    const Uid uid = Uid::random();
    ASSERT_TRUE(store().streams().insert({uid, "{}"}));
    ASSERT_TRUE(store().streams().remove(uid));
    EXPECT_EQ(store().streams().get(uid).error().code, Errc::not_found);
    auto again = store().streams().remove(uid);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, Errc::not_found);
    EXPECT_THAT(again.error().message, HasSubstr(uid.str()));
    EXPECT_FALSE(*store().streams().has_tombstone(uid)) << "a plain remove keeps none";
}

TEST_F(StreamRepositoryTest, a_tombstone_is_kept_with_the_remove_across_a_reopen_until_forgotten) {
    const Uid uid = Uid::random();
    const Uid other = Uid::random();
    ASSERT_TRUE(store().streams().insert({uid, "{}"}));
    ASSERT_TRUE(store().streams().insert({other, "{}"}));
    ASSERT_TRUE(store().streams().remove_keeping_tombstone(uid));
    EXPECT_EQ(store().streams().get(uid).error().code, Errc::not_found);
    EXPECT_TRUE(*store().streams().has_tombstone(uid));
    EXPECT_FALSE(*store().streams().has_tombstone(other));

    // Absent: nothing removed, no tombstone kept (the transaction rolled back).
    const Uid unknown = Uid::random();
    EXPECT_EQ(store().streams().remove_keeping_tombstone(unknown).error().code, Errc::not_found);
    EXPECT_FALSE(*store().streams().has_tombstone(unknown));

    reopen();
    EXPECT_TRUE(*store().streams().has_tombstone(uid));
    clock_.advance(1h);
    ASSERT_TRUE(store().streams().remove_keeping_tombstone(other));
    ASSERT_TRUE(store().streams().forget_tombstones(clock_.now() - 30min));
    EXPECT_FALSE(*store().streams().has_tombstone(uid)) << "older: forgotten";
    EXPECT_TRUE(*store().streams().has_tombstone(other)) << "newer: kept";
}

} // namespace
} // namespace rocd::store
