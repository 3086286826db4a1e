// What the peer-protocol tests share: identities in their own state
// directories, one io_context and ZeroMQ context, a ZAP handler that admits
// every key, a loop that runs until something happened, a hello, and a request that
// retries until the link's connection is up.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "p2p/hello.h"
#include "p2p/identity.h"
#include "p2p/link.h"
#include "p2p/zap_handler.h"
#include "temp_dir.h"

namespace rocd::p2p::test {

inline Identity identity(const rocd::test::TempDir& dir) {
    auto id = Identity::load_or_create(dir.path());
    EXPECT_TRUE(id) << id.error().message;
    return std::move(*id);
}

inline std::string text(const zmq::message_t& m) {
    return std::string(static_cast<const char*>(m.data()), m.size());
}

struct P2pFixture : ::testing::Test {
    /// Runs the io_context until `done` or `limit` (then the test's own
    /// assertions fail; no time is asserted).
    void run_until(const std::function<bool()>& done,
                   std::chrono::milliseconds limit = std::chrono::milliseconds(5000)) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (!done() && std::chrono::steady_clock::now() < deadline) {
            io.restart();
            io.run_for(std::chrono::milliseconds(10));
        }
    }

    /// The reply to a request, retried while the link is not connected yet
    /// (ZMQ_IMMEDIATE makes the first ones fail as unavailable at once).
    Link::Reply ask(Link& link, const std::string& type, const nlohmann::json& body,
                    std::chrono::milliseconds timeout = std::chrono::milliseconds(1000)) {
        for (int attempt = 0; attempt < 100; ++attempt) {
            std::optional<Link::Reply> reply;
            link.request(type, body, timeout, [&](Link::Reply r) { reply = std::move(r); });
            run_until([&] { return reply.has_value(); });
            if (reply && (*reply || reply->error().code != ErrorCode::unavailable)) {
                return std::move(*reply);
            }
            run_until([] { return false; }, std::chrono::milliseconds(20));
        }
        return tl::unexpected(RequestError {ErrorCode::unavailable, "never connected", nullptr});
    }

    rocd::test::TempDir a_dir, b_dir;
    Identity a = identity(a_dir), b = identity(b_dir);
    boost::asio::io_context io;
    zmq::context_t context;
};

/// A fixture whose ZAP handler admits every key, with the key as User-Id.
struct AdmittingFixture : P2pFixture {
    ZapHandler zap {io, context, [](const RawKey& key, const std::string&) {
                        return ZapVerdict {200, z85_of(key)};
                    }};
};

/// A hello from `uid` (fresh nonce; a link or listener sending it as its
/// own puts its own nonce in).
inline Hello hello_of(const std::string& uid, VersionRange versions = {1, 1}) {
    return Hello {versions, {"ports"}, *Uid::parse(uid), "test", "0.1.0", 4041, fresh_nonce()};
}

} // namespace rocd::p2p::test
