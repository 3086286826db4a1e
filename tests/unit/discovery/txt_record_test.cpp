// The `_rocd._tcp` TXT record (docs/p2p.md §16.1): what this daemon
// announces reads back as itself, and what a hostile LAN announces is
// refused with a reason, never a crash.
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "discovery/txt_record.h"

namespace rocd::discovery {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const Uid uid = *Uid::parse("rx4sse-w0zas1-gf2s1o");
// pk_A of docs/p2p.md §18, whose Z85 and fingerprint are §16.1's example.
const std::string pk_a = "NRoznsGRPJT6F97koH&)9AoH4hU)jG!q:]vzy(Qv";
const std::string fp_a = "242b:de83:eeb5:09ad:6a2d:2d94:9982:fb05";
const std::string fp_b = "edb9:2dd4:1b02:3a59:b263:c2a7:a640:f128";

p2p::RawKey key_a() {
    return *p2p::key_of_z85(pk_a);
}

std::vector<std::string> example() {
    return {"txtvers=1", "uid=rx4sse-w0zas1-gf2s1o", "v=1-1", "pk=" + pk_a, "fp=" + fp_a};
}

/// The example with `key`'s string replaced (or removed when `value` is null).
std::vector<std::string> with(const std::string& key, const char* value) {
    std::vector<std::string> out;
    for (const auto& s : example()) {
        if (s.starts_with(key + "=")) {
            if (value != nullptr) {
                out.push_back(key + "=" + value);
            }
        } else {
            out.push_back(s);
        }
    }
    return out;
}

std::string reason(const std::vector<std::string>& strings) {
    auto parsed = parse_txt_record(strings);
    return parsed ? "accepted" : parsed.error().message;
}

TEST(TxtRecord, builds_the_specification_example) {
    EXPECT_THAT(txt_record(uid, key_a(), {1, 1}),
                ElementsAre("txtvers=1", "uid=rx4sse-w0zas1-gf2s1o", "v=1-1", "pk=" + pk_a, "fp=" + fp_a));
    std::size_t bytes = 0;
    for (const auto& s : txt_record(uid, key_a(), {1, 1})) {
        bytes += s.size() + 1;
    }
    EXPECT_LT(bytes, 200u); // §16.1: within what RFC 6763 calls typical
}

TEST(TxtRecord, reads_back_what_it_builds) {
    auto parsed = parse_txt_record(txt_record(uid, key_a(), {1, 3}));
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_EQ(parsed->uid, uid);
    EXPECT_EQ(parsed->public_key, key_a());
    EXPECT_EQ(parsed->versions.min, 1);
    EXPECT_EQ(parsed->versions.max, 3);
}

TEST(TxtRecord, ignores_order_key_case_unknown_keys_and_later_duplicates) {
    auto parsed =
        parse_txt_record({"fp=" + fp_a, "PK=" + pk_a, "future=yes", "flag", "V=1-2",
                          "Uid=rx4sse-w0zas1-gf2s1o", "TXTVERS=1", "uid=aaaaaa-aaaaaa-aaaaaa", "fp=" + fp_b});
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_EQ(parsed->uid, uid);
    EXPECT_EQ(parsed->versions.max, 2);
}

TEST(TxtRecord, refuses_a_missing_key) {
    for (const char* key : {"txtvers", "uid", "v", "pk", "fp"}) {
        EXPECT_NE(reason(with(key, nullptr)), "accepted") << key;
    }
    EXPECT_NE(reason({}), "accepted");
    EXPECT_NE(reason({"", "=", "==", "=1"}), "accepted");
}

TEST(TxtRecord, refuses_a_fingerprint_that_is_not_the_keys) {
    EXPECT_THAT(reason(with("fp", fp_b.c_str())), HasSubstr("fingerprint"));
    EXPECT_THAT(reason(with("fp", "242B:DE83:EEB5:09AD:6A2D:2D94:9982:FB05")), HasSubstr("fingerprint"));
    EXPECT_THAT(reason(with("fp", "")), HasSubstr("fingerprint"));
    EXPECT_THAT(reason(with("fp", (fp_a + " ").c_str())), HasSubstr("fingerprint"));
}

TEST(TxtRecord, refuses_other_record_versions) {
    for (const char* v : {"0", "2", "01", "1 ", "", "one", "-1"}) {
        EXPECT_THAT(reason(with("txtvers", v)), HasSubstr("txtvers")) << v;
    }
}

TEST(TxtRecord, refuses_malformed_protocol_versions) {
    for (const char* v : {"", "1", "1-", "-1", "2-1", "0-1", "1-1-1", "1--1", "a-b", "+1-2", " 1-2", "1-2 ",
                          "1-99999", "99999999999999999999-1", "1-0x2"}) {
        EXPECT_THAT(reason(with("v", v)), HasSubstr("no valid v")) << v;
    }
    EXPECT_EQ(reason(with("v", "1-9999")), "accepted");
}

TEST(TxtRecord, refuses_malformed_uids_and_keys) {
    for (const char* u : {"", "RX4SSE-W0ZAS1-GF2S1O", "rx4sse-w0zas1-gf2s1", "rx4sse-w0zas1-gf2s1oo",
                          "rx4sse_w0zas1_gf2s1o", "../../../etc/passwd"}) {
        EXPECT_THAT(reason(with("uid", u)), HasSubstr("uid")) << u;
    }
    for (const char* k :
         {"", "short", "NRoznsGRPJT6F97koH&)9AoH4hU)jG!q:]vzy(Qv1",
          "NRoznsGRPJT6F97koH&)9AoH4hU)jG!q:]vzy(Q~", "NRoznsGRPJT6F97koH&)9AoH4hU)jG!q:]vzy(Q\""}) {
        EXPECT_THAT(reason(with("pk", k)), HasSubstr("pk")) << k;
    }
}

TEST(TxtRecord, refuses_bytes_that_are_not_text) {
    // Invalid UTF-8, control characters and NUL bytes inside values.
    std::string bad_pk = pk_a;
    bad_pk[5] = '\xff';
    EXPECT_NE(reason(with("pk", bad_pk.c_str())), "accepted");
    std::vector<std::string> nul_pk = with("pk", nullptr);
    nul_pk.push_back(std::string("pk=") + std::string(pk_a.data(), 20) + std::string(1, '\0') +
                     std::string(pk_a.data() + 21, 19));
    EXPECT_NE(reason(nul_pk), "accepted");
    std::vector<std::string> nul_uid = with("uid", nullptr);
    nul_uid.push_back(std::string("uid=rx4sse-w0zas1-gf2s1o\0", 25));
    EXPECT_NE(reason(nul_uid), "accepted");
    EXPECT_NE(reason(with("uid", "rx4sse-w0zas1-gf2s\xc3\xa9")), "accepted");
    EXPECT_NE(reason(with("txtvers", "\xc0\xb1")), "accepted");
    // Every single byte value in place of a key character: refused or the same key.
    for (int b = 0; b < 256; ++b) {
        std::string pk = pk_a;
        pk[0] = static_cast<char>(b);
        auto parsed = parse_txt_record(with("pk", pk.c_str()));
        EXPECT_TRUE(!parsed || pk == pk_a) << b;
    }
}

TEST(TxtRecord, refuses_oversized_records) {
    auto big_string = example();
    big_string.push_back("x=" + std::string(max_txt_string - 1, 'a'));
    EXPECT_THAT(reason(big_string), HasSubstr("TXT string"));
    auto many = example();
    for (int i = 0; i < 100; ++i) {
        many.push_back("k" + std::to_string(i) + "=" + std::string(20, 'a'));
    }
    EXPECT_THAT(reason(many), HasSubstr("over"));
    auto just_under = example();
    just_under.push_back("x=" + std::string(max_txt_string - 2, 'a'));
    EXPECT_EQ(reason(just_under), "accepted");
}

} // namespace
} // namespace rocd::discovery
