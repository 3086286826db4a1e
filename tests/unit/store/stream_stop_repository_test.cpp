#include <gtest/gtest.h>

#include "store_fixture.h"

namespace rocd::store {
namespace {

using namespace std::chrono_literals;

class StreamStopRepositoryTest : public test::StoreFixture {};

TEST_F(StreamStopRepositoryTest, keeps_what_is_owed_to_each_peer_oldest_first_across_a_reopen) {
    const Uid kitchen = Uid::random();
    const Uid studio = Uid::random();
    const Uid first = Uid::random();
    const Uid second = Uid::random();
    ASSERT_TRUE(store().stream_stops().add(first, kitchen));
    clock_.advance(1s);
    ASSERT_TRUE(store().stream_stops().add(second, kitchen));
    ASSERT_TRUE(store().stream_stops().add(second, studio));
    ASSERT_TRUE(store().stream_stops().add(first, kitchen)); // owed again: still once
    reopen();
    EXPECT_EQ(store().stream_stops().owed_to(kitchen).value(), (std::vector<Uid> {first, second}));
    EXPECT_EQ(store().stream_stops().owed_to(studio).value(), (std::vector<Uid> {second}));

    ASSERT_TRUE(store().stream_stops().remove(first, kitchen));
    ASSERT_TRUE(store().stream_stops().remove(first, kitchen)); // gone already: no error
    EXPECT_EQ(store().stream_stops().owed_to(kitchen).value(), (std::vector<Uid> {second}));
    EXPECT_TRUE(store().stream_stops().owed_to(Uid::random()).value().empty());
}

} // namespace
} // namespace rocd::store
