// The peer key: made once, kept private, the same across restarts, and the
// fingerprint of docs/p2p.md's test vectors.
#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/stat.h>

#include "p2p/identity.h"
#include "temp_dir.h"

namespace rocd::p2p {
namespace {

using ::testing::HasSubstr;

RawKey from_hex(const std::string& hex) {
    RawKey key {};
    for (std::size_t i = 0; i < key.size(); ++i) {
        key[i] = static_cast<std::uint8_t>(std::stoul(hex.substr(2 * i, 2), nullptr, 16));
    }
    return key;
}

// docs/p2p.md §18.
TEST(Identity, fingerprints_match_the_specification_vectors) {
    EXPECT_EQ(fingerprint_of(from_hex("9a68be0058adff27ab5d43ba3f2019d31d54b73036f9fafed48e0b5b6e2d15c3")),
              "242b:de83:eeb5:09ad:6a2d:2d94:9982:fb05");
    EXPECT_EQ(fingerprint_of(from_hex("4a7dc2229ec84b0cccbf91c5533ba67a31e4cfc36da395b2265599b42f227b47")),
              "edb9:2dd4:1b02:3a59:b263:c2a7:a640:f128");
    // The TXT record example of §16.1 announces A's key.
    EXPECT_EQ(z85_of(from_hex("9a68be0058adff27ab5d43ba3f2019d31d54b73036f9fafed48e0b5b6e2d15c3")),
              "NRoznsGRPJT6F97koH&)9AoH4hU)jG!q:]vzy(Qv");
}

TEST(Identity, z85_round_trips_and_refuses_what_is_not_a_key) {
    const RawKey key = from_hex("9a68be0058adff27ab5d43ba3f2019d31d54b73036f9fafed48e0b5b6e2d15c3");
    const std::string z85 = z85_of(key);
    EXPECT_EQ(z85.size(), 40u);
    auto back = key_of_z85(z85);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, key);
    EXPECT_FALSE(key_of_z85(z85.substr(1)));
    EXPECT_FALSE(key_of_z85(std::string(40, ' ')));
}

TEST(Identity, is_made_once_privately_and_kept_across_restarts) {
    test::TempDir dir;
    auto first = Identity::load_or_create(dir.path());
    ASSERT_TRUE(first) << first.error().message;
    const auto file = dir / std::string(Identity::key_file);
    struct stat st {};
    ASSERT_EQ(::stat(file.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);

    auto again = Identity::load_or_create(dir.path());
    ASSERT_TRUE(again) << again.error().message;
    EXPECT_EQ(again->public_key(), first->public_key());
    EXPECT_EQ(again->secret_key_z85(), first->secret_key_z85());
    EXPECT_EQ(again->peer_key().fingerprint, fingerprint_of(first->public_key()));
    EXPECT_EQ(again->peer_key().public_key, z85_of(first->public_key()));

    test::TempDir other;
    auto another = Identity::load_or_create(other.path());
    ASSERT_TRUE(another);
    EXPECT_NE(another->public_key(), first->public_key());
}

TEST(Identity, a_key_file_others_can_read_or_that_holds_no_key_stops_start_up) {
    test::TempDir dir;
    ASSERT_TRUE(Identity::load_or_create(dir.path()));
    const auto file = dir / std::string(Identity::key_file);
    ASSERT_EQ(::chmod(file.c_str(), 0644), 0);
    auto readable = Identity::load_or_create(dir.path());
    ASSERT_FALSE(readable);
    EXPECT_THAT(readable.error().message, HasSubstr("accessible to other users (mode 644)"));
    EXPECT_THAT(readable.error().message, HasSubstr(file.string()));

    ASSERT_EQ(::chmod(file.c_str(), 0600), 0);
    std::ofstream(file) << "not a key\n";
    auto garbage = Identity::load_or_create(dir.path());
    ASSERT_FALSE(garbage);
    EXPECT_THAT(garbage.error().message, HasSubstr("holds no CURVE secret key"));
}

} // namespace
} // namespace rocd::p2p
