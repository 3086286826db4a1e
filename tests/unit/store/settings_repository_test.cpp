#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store_fixture.h"

namespace rocd::store {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

class SettingsRepositoryTest : public test::StoreFixture {};

TEST_F(SettingsRepositoryTest, set_then_get_returns_the_value_after_reopen) {
    ASSERT_TRUE(store().settings().set("http.port", "4040"));
    reopen();
    EXPECT_EQ(store().settings().get("http.port").value(), "4040");
}

TEST_F(SettingsRepositoryTest, set_replaces_an_existing_value) {
    ASSERT_TRUE(store().settings().set("k", "one"));
    ASSERT_TRUE(store().settings().set("k", "two"));
    EXPECT_EQ(store().settings().get("k").value(), "two");
    EXPECT_EQ(store().settings().list()->size(), 1u);
}

TEST_F(SettingsRepositoryTest, keeps_empty_and_binary_values) {
    const std::string binary("a\0b", 3);
    ASSERT_TRUE(store().settings().set("empty", ""));
    ASSERT_TRUE(store().settings().set("binary", binary));
    EXPECT_EQ(store().settings().get("empty").value(), "");
    EXPECT_EQ(store().settings().get("binary").value(), binary);
}

TEST_F(SettingsRepositoryTest, get_of_an_unset_key_is_not_found) {
    auto value = store().settings().get("missing");
    ASSERT_FALSE(value);
    EXPECT_EQ(value.error().code, Errc::not_found);
    EXPECT_EQ(value.error().message, "setting 'missing' not found");
}

TEST_F(SettingsRepositoryTest, remove_deletes_and_then_is_not_found) {
    ASSERT_TRUE(store().settings().set("k", "v"));
    ASSERT_TRUE(store().settings().remove("k"));
    EXPECT_EQ(store().settings().get("k").error().code, Errc::not_found);
    EXPECT_EQ(store().settings().remove("k").error().code, Errc::not_found);
}

TEST_F(SettingsRepositoryTest, list_is_ordered_by_key) {
    ASSERT_TRUE(store().settings().set("b", "2"));
    ASSERT_TRUE(store().settings().set("a", "1"));
    ASSERT_TRUE(store().settings().set("c", "3"));
    auto all = store().settings().list();
    ASSERT_TRUE(all);
    EXPECT_THAT(*all, ElementsAre(Pair("a", "1"), Pair("b", "2"), Pair("c", "3")));
}

} // namespace
} // namespace rocd::store
