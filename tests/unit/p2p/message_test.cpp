// The rules of docs/p2p.md §5.2: what is malformed, what is owed an answer.
#include <gtest/gtest.h>

#include "p2p/message.h"

namespace rocd::p2p {
namespace {

TEST(Message, a_request_encodes_and_decodes_to_itself) {
    Message m;
    m.type = "ping";
    m.id = 12;
    m.timeout_ms = 1000;
    auto back = decode(encode(m));
    ASSERT_TRUE(back) << back.error().detail;
    EXPECT_EQ(back->type, "ping");
    EXPECT_EQ(back->id, 12u);
    EXPECT_EQ(back->timeout_ms, 1000u);
    EXPECT_FALSE(back->re);
    EXPECT_EQ(kind_of("ping"), MessageKind::request);

    auto reply = decode(encode(reply_to(*back, {{"subscriptions", nlohmann::json::object()}})));
    ASSERT_TRUE(reply) << reply.error().detail;
    EXPECT_EQ(reply->type, "ping_reply");
    EXPECT_EQ(reply->re, 12u);
}

TEST(Message, frames_that_are_not_messages_are_malformed_and_owed_nothing_without_an_id) {
    for (const char* frame :
         {"", "[]", "{", "null", R"({"type": "ping", "body": {}})", R"({"v": 0, "type": "ping", "body": {}})",
          R"({"v": 1, "type": 7, "body": {}})", R"({"v": 1, "type": "ping", "body": []})",
          R"({"v": "1", "type": "ping", "body": {}})"}) {
        auto m = decode(frame);
        ASSERT_FALSE(m) << frame;
        EXPECT_EQ(m.error().code, ErrorCode::malformed) << frame;
        EXPECT_FALSE(m.error().request_id) << frame;
    }
    EXPECT_EQ(decode(std::string(max_message_size + 1, ' ')).error().code, ErrorCode::malformed);
}

TEST(Message, a_request_whose_id_can_be_read_is_owed_the_answer) {
    auto no_body = decode(R"({"v": 1, "type": "ping", "id": 5, "timeout_ms": 100})");
    ASSERT_FALSE(no_body);
    EXPECT_EQ(no_body.error().code, ErrorCode::malformed);
    EXPECT_EQ(no_body.error().request_id, 5u);

    auto unknown = decode(R"({"v": 1, "type": "unknown_request", "id": 6, "timeout_ms": 100, "body": {}})");
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().code, ErrorCode::unknown_type);
    EXPECT_EQ(unknown.error().request_id, 6u);

    auto unknown_one_way = decode(R"({"v": 1, "type": "gossip", "body": {}})");
    ASSERT_FALSE(unknown_one_way);
    EXPECT_FALSE(unknown_one_way.error().request_id) << "dropped, not answered";

    auto no_timeout = decode(R"({"v": 1, "type": "ping", "id": 7, "body": {}})");
    ASSERT_FALSE(no_timeout);
    EXPECT_EQ(no_timeout.error().request_id, 7u);
    for (const char* out_of_range :
         {R"({"v": 1, "type": "ping", "id": 9007199254740992, "timeout_ms": 1, "body": {}})",
          R"({"v": 1, "type": "ping", "id": 0, "timeout_ms": 1, "body": {}})",
          R"({"v": 1, "type": "ping", "id": 3, "timeout_ms": 60001, "body": {}})"}) {
        EXPECT_FALSE(decode(out_of_range)) << out_of_range;
    }
}

TEST(Message, a_body_field_missing_or_mistyped_is_invalid_argument_naming_it) {
    auto missing = decode(R"({"v": 1, "type": "pair_reveal", "id": 4, "timeout_ms": 5000,
                              "body": {"pairing_id": "p4ir1d-q8w2e7-z0x3c5"}})");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, ErrorCode::invalid_argument);
    EXPECT_EQ(missing.error().request_id, 4u);
    EXPECT_NE(missing.error().detail.find("body.nonce_a"), std::string::npos);

    auto short_nonce = decode(R"({"v": 1, "type": "pair_reveal", "id": 4, "timeout_ms": 5000,
                                  "body": {"pairing_id": "p4ir1d-q8w2e7-z0x3c5", "nonce_a": "00ff"}})");
    EXPECT_FALSE(short_nonce);
    auto bad_enum = decode(R"({"v": 1, "type": "bye", "body": {"reason": "bored"}})");
    EXPECT_FALSE(bad_enum);
    auto negative = decode(R"({"v": 1, "type": "delta", "body": {"topic": "ports", "seq": -1,
                               "event": "port_added", "port": {}}})");
    EXPECT_FALSE(negative);
}

TEST(Message, a_key_given_twice_is_malformed_never_read_one_way_or_the_other) {
    auto twice = decode(R"({"v": 1, "type": "port_update", "id": 2, "timeout_ms": 5000,
                            "body": {"port_uid": "6azqwm-ihg3c9-p9b2aq", "volume": 0.1, "volume": 1.0}})");
    ASSERT_FALSE(twice);
    EXPECT_EQ(twice.error().code, ErrorCode::malformed);
    EXPECT_NE(twice.error().detail.find("body.volume twice"), std::string::npos) << twice.error().detail;
    EXPECT_FALSE(twice.error().request_id);
}

TEST(Message, unknown_fields_are_ignored_at_any_depth) {
    auto m =
        decode(R"({"v": 1, "type": "bye", "later": [1, 2], "body": {"reason": "shutdown", "x": {"y": 1}}})");
    ASSERT_TRUE(m) << m.error().detail;
    EXPECT_EQ(kind_of("bye"), MessageKind::one_way);
}

TEST(Message, an_error_reply_names_its_code) {
    Message request;
    request.type = "subscribe";
    request.id = 3;
    request.timeout_ms = 5000;
    auto e = decode(encode(error_reply(request, ErrorCode::untrusted, "pair first")));
    ASSERT_TRUE(e) << e.error().detail;
    EXPECT_EQ(e->type, "error");
    EXPECT_EQ(e->re, 3u);
    EXPECT_EQ(e->body["code"], "untrusted");
    EXPECT_EQ(error_code_of("untrusted"), ErrorCode::untrusted);
    EXPECT_FALSE(error_code_of("nope"));
}

} // namespace
} // namespace rocd::p2p
