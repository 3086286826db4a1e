#include <gtest/gtest.h>

#include "core/uri.h"

namespace rocd {
namespace {

constexpr const char* peer_uid = "rx4sse-w0zas1-gf2s1o";
constexpr const char* port_uid = "6azqwm-ihg3c9-p9b2aq";

TEST(Uri, parses_peer_uris) {
    auto self = Uri::parse("/peers/self");
    ASSERT_TRUE(self);
    EXPECT_EQ(self->kind(), Uri::Kind::peer);
    EXPECT_TRUE(self->peer_ref().is_self());

    auto other = Uri::parse(std::string("/peers/") + peer_uid);
    ASSERT_TRUE(other);
    EXPECT_FALSE(other->peer_ref().is_self());
    EXPECT_EQ(other->peer_ref().uid().str(), peer_uid);
    EXPECT_EQ(other->str(), std::string("/peers/") + peer_uid);
}

TEST(Uri, parses_port_uris) {
    auto uri = Uri::parse(std::string("/peers/self/ports/") + port_uid);
    ASSERT_TRUE(uri);
    EXPECT_EQ(uri->kind(), Uri::Kind::port);
    EXPECT_TRUE(uri->peer_ref().is_self());
    EXPECT_EQ(uri->port_uid().str(), port_uid);
    EXPECT_EQ(uri->str(), std::string("/peers/self/ports/") + port_uid);
}

TEST(Uri, parses_stream_uris) {
    auto uri = Uri::parse(std::string("/streams/") + port_uid);
    ASSERT_TRUE(uri);
    EXPECT_EQ(uri->kind(), Uri::Kind::stream);
    EXPECT_EQ(uri->stream_uid().str(), port_uid);
}

TEST(Uri, builds_and_round_trips_internal_uris) {
    const Uid uid = *Uid::parse(port_uid);
    for (const Uri& uri : {Uri::peer(PeerRef::self()), Uri::port(PeerRef::of(uid), uid), Uri::stream(uid)}) {
        auto back = Uri::parse(uri.str());
        ASSERT_TRUE(back) << uri.str();
        EXPECT_EQ(*back, uri);
    }
}

TEST(Uri, rejects_bad_internal_uris) {
    for (const std::string text : {
             "/",
             "/peers",
             "/peers/",
             "/peers/self/",
             "/peers/SELF",
             "/peers/me",
             "/peers/self/ports",
             "/peers/self/ports/",
             "/peers/self/ports/self",
             "/peers/self/ports/6azqwm-ihg3c9-p9b2a",
             "/peers/self/ports/6azqwm-ihg3c9-p9b2aq/x",
             "/peers/self/streams/6azqwm-ihg3c9-p9b2aq",
             "/streams",
             "/streams/self",
             "/streams/6azqwm-ihg3c9-p9b2aq/",
             "//peers/self",
             "/ports/6azqwm-ihg3c9-p9b2aq",
             "/peers/self?x=1",
         }) {
        auto uri = Uri::parse(text);
        EXPECT_FALSE(uri) << text;
        if (!uri) {
            EXPECT_EQ(uri.error().code, Errc::invalid_argument);
            EXPECT_NE(uri.error().message.find(text), std::string::npos) << uri.error().message;
        }
    }
}

TEST(Uri, parses_external_endpoints) {
    struct Case {
        const char* text;
        const char* scheme;
        const char* host;
        std::uint16_t port;
        const char* path;
        const char* canonical;
    };
    for (const Case& c : {
             Case {"rtp://127.0.0.1:10001", "rtp", "127.0.0.1", 10001, "", "rtp://127.0.0.1:10001"},
             Case {"rtp+rs8m://192.168.0.101:10001", "rtp+rs8m", "192.168.0.101", 10001, "",
                   "rtp+rs8m://192.168.0.101:10001"},
             Case {"rs8m://host.example:10002", "rs8m", "host.example", 10002, "",
                   "rs8m://host.example:10002"},
             Case {"rtp+ldpc://[::1]:5000", "rtp+ldpc", "::1", 5000, "", "rtp+ldpc://[::1]:5000"},
             Case {"RTCP://0.0.0.0:0", "rtcp", "0.0.0.0", 0, "", "rtcp://0.0.0.0:0"},
             Case {"rtsp://cam:554/live/1", "rtsp", "cam", 554, "/live/1", "rtsp://cam:554/live/1"},
             Case {"ldpc://a-b.c:65535", "ldpc", "a-b.c", 65535, "", "ldpc://a-b.c:65535"},
         }) {
        auto uri = Uri::parse(c.text);
        ASSERT_TRUE(uri) << c.text << ": " << uri.error().message;
        EXPECT_EQ(uri->kind(), Uri::Kind::external);
        EXPECT_EQ(uri->scheme(), c.scheme);
        EXPECT_EQ(uri->host(), c.host);
        EXPECT_EQ(uri->port_number(), c.port);
        EXPECT_EQ(uri->path(), c.path);
        EXPECT_EQ(uri->str(), c.canonical);
        auto back = Uri::parse(uri->str());
        ASSERT_TRUE(back);
        EXPECT_EQ(*back, *uri);
    }
}

TEST(Uri, rejects_bad_external_endpoints) {
    for (const char* text : {
             "rtp://",                      // no host
             "rtp://127.0.0.1",             // no port
             "rtp://127.0.0.1:",            // empty port
             "rtp://127.0.0.1:65536",       // port out of range
             "rtp://127.0.0.1:-1",          // negative port
             "rtp://127.0.0.1:10a",         // non-numeric port
             "rtp://127.0.0.1:99999999999", // overflow
             "127.0.0.1:10001",             // no scheme
             "://127.0.0.1:1",              // empty scheme
             "rtp://user@127.0.0.1:1",      // user info
             "rtp://127.0.0.1:1?x=1",       // query
             "rtp://127.0.0.1:1#f",         // fragment
             "rtp://ho st:1",               // space in host
             "rtp://ho%41st:1",             // escapes in host
             "rtp://[::1:1",                // unbalanced bracket
             "rtp://[v1.x]:1",              // IPvFuture
             "rtp:127.0.0.1:1",             // no authority
             "rtp://-host:1",               // bad label
             "not a uri",
         }) {
        auto uri = Uri::parse(text);
        EXPECT_FALSE(uri) << text;
        if (!uri) {
            EXPECT_EQ(uri.error().code, Errc::invalid_argument);
        }
    }
}

TEST(Uri, rejects_empty_input) {
    auto uri = Uri::parse("");
    ASSERT_FALSE(uri);
    EXPECT_EQ(uri.error().code, Errc::invalid_argument);
}

} // namespace
} // namespace rocd
