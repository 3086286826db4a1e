// Asynchronous routes on a real server (ephemeral port, real sockets): the
// answer comes later from a posted completion, and the control plane serves
// everyone else meanwhile.
#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>

#include "api/http/router.h"
#include "api/http/server.h"

namespace rocd::api {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

Response text(std::string body, http::status status = http::status::ok) {
    Response res {status, 11};
    res.set(http::field::content_type, "text/plain");
    res.body() = std::move(body);
    return res;
}

/// A server on its own thread, with routes: GET /now (sync), GET /slow
/// (answers after 500 ms from a timer), GET /held (answers when the test
/// says), GET /boom (async, throws).
class AsyncServerTest : public ::testing::Test {
protected:
    void SetUp() override {
        router.add(http::verb::get, "/now", [](const RequestContext&) { return text("now"); });
        router.add_async(http::verb::get, "/slow", [this](const RequestContext&, Responder respond) {
            ++slow_started;
            auto timer = std::make_shared<asio::steady_timer>(io, 500ms);
            timer->async_wait([timer, respond](const boost::system::error_code&) { respond(text("slow")); });
        });
        router.add_async(http::verb::get, "/held",
                         [this](const RequestContext&, Responder respond) { held.push_back(respond); });
        router.add_async(http::verb::get, "/boom",
                         [](const RequestContext&, Responder) { throw std::runtime_error("boom"); });
        router.add_async(http::verb::get, "/twice", [](const RequestContext&, Responder respond) {
            respond(text("first"));
            respond(text("second"));
        });
        ServerOptions options;
        options.port = 0;
        server.emplace(io, router, options);
        ASSERT_TRUE(server->listen());
        server->accept();
        port = server->local_endpoint().port();
        thread = std::thread([this] {
            auto busy = asio::make_work_guard(io);
            io.run();
        });
    }

    void TearDown() override {
        asio::post(io, [this] {
            held.clear();
            server->shutdown([this] { io.stop(); });
        });
        thread.join();
    }

    /// Runs `fn` on the server's thread and waits for it.
    void on_server(std::function<void()> fn) {
        std::promise<void> done;
        asio::post(io, [&] {
            fn();
            done.set_value();
        });
        done.get_future().get();
    }

    tcp::socket connect() {
        tcp::socket socket(client_io);
        socket.connect({asio::ip::make_address("127.0.0.1"), port});
        return socket;
    }

    /// Reads one response (head + Content-Length body) from `socket`.
    static std::string read_response(tcp::socket& socket, std::string& buffer) {
        const std::size_t head = asio::read_until(socket, asio::dynamic_buffer(buffer), "\r\n\r\n");
        std::size_t length = 0;
        if (auto at = buffer.find("Content-Length: "); at != std::string::npos && at < head) {
            length = std::stoul(buffer.substr(at + 16));
        }
        if (buffer.size() < head + length) {
            asio::read(socket, asio::dynamic_buffer(buffer),
                       asio::transfer_exactly(head + length - buffer.size()));
        }
        std::string out = buffer.substr(0, head + length);
        buffer.erase(0, head + length);
        return out;
    }

    std::string get(const std::string& path) {
        auto socket = connect();
        asio::write(socket, asio::buffer("GET " + path +
                                         " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
        std::string buffer;
        return read_response(socket, buffer);
    }

    asio::io_context io;
    asio::io_context client_io;
    Router router;
    std::optional<Server> server;
    std::uint16_t port = 0;
    std::thread thread;
    std::vector<Responder> held;       // server thread only
    std::atomic<int> slow_started {0}; // /slow requests the server has begun
};

TEST_F(AsyncServerTest, answers_when_the_completion_comes) {
    const auto t0 = std::chrono::steady_clock::now();
    const std::string response = get("/slow");
    EXPECT_NE(response.find("200 OK"), std::string::npos) << response;
    EXPECT_NE(response.find("slow"), std::string::npos);
    EXPECT_GE(std::chrono::steady_clock::now() - t0, 500ms);
}

TEST_F(AsyncServerTest, other_connections_are_served_while_an_answer_is_pending) {
    auto slow = connect();
    asio::write(slow, asio::buffer(std::string("GET /slow HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")));
    std::string slow_buffer;
    // 20 requests on other connections, each answered before the slow one.
    for (int i = 0; i < 20; ++i) {
        EXPECT_NE(get("/now").find("now"), std::string::npos);
    }
    slow.non_blocking(true);
    char byte = 0;
    boost::system::error_code ec;
    slow.read_some(asio::buffer(&byte, 1), ec);
    EXPECT_EQ(ec, asio::error::would_block) << "the slow answer came before the 20 fast ones";
    slow.non_blocking(false);
    EXPECT_NE(read_response(slow, slow_buffer).find("slow"), std::string::npos);
}

TEST_F(AsyncServerTest, pipelined_requests_are_answered_in_order) {
    auto socket = connect();
    asio::write(socket, asio::buffer(std::string("GET /slow HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                                                 "GET /now HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")));
    std::string buffer;
    EXPECT_NE(read_response(socket, buffer).find("slow"), std::string::npos);
    EXPECT_NE(read_response(socket, buffer).find("now"), std::string::npos);
}

TEST_F(AsyncServerTest, head_of_an_async_get_has_the_length_and_no_body) {
    auto socket = connect();
    asio::write(socket, asio::buffer(std::string("HEAD /slow HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                                                 "GET /now HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")));
    std::string buffer;
    const std::size_t head = asio::read_until(socket, asio::dynamic_buffer(buffer), "\r\n\r\n");
    const std::string header = buffer.substr(0, head);
    buffer.erase(0, head);
    EXPECT_NE(header.find("Content-Length: 4"), std::string::npos) << header;
    // What follows the header is the next response, not a body.
    EXPECT_EQ(read_response(socket, buffer).find("HTTP/1.1 200 OK"), 0u);
}

TEST_F(AsyncServerTest, a_client_that_leaves_before_the_answer_is_no_harm) {
    {
        auto socket = connect();
        asio::write(socket, asio::buffer(std::string("GET /held HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")));
        for (int i = 0; i < 500; ++i) {
            std::size_t n = 0;
            on_server([&] { n = held.size(); });
            if (n == 1) {
                break;
            }
            std::this_thread::sleep_for(2ms);
        }
    } // closed before the answer
    std::this_thread::sleep_for(50ms);
    on_server([&] {
        ASSERT_EQ(held.size(), 1u);
        held[0](text("too late"));
    });
    EXPECT_NE(get("/now").find("now"), std::string::npos);
}

TEST_F(AsyncServerTest, an_async_handler_that_throws_is_a_500) {
    const std::string response = get("/boom");
    EXPECT_NE(response.find("500 Internal Server Error"), std::string::npos) << response;
    EXPECT_EQ(response.find("boom"), std::string::npos);
}

TEST_F(AsyncServerTest, a_second_answer_is_ignored) {
    auto socket = connect();
    asio::write(socket, asio::buffer(std::string("GET /twice HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                                                 "GET /now HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")));
    std::string buffer;
    EXPECT_NE(read_response(socket, buffer).find("first"), std::string::npos);
    EXPECT_NE(read_response(socket, buffer).find("now"), std::string::npos);
}

TEST_F(AsyncServerTest, shutdown_waits_for_a_pending_answer) {
    auto socket = connect();
    asio::write(socket, asio::buffer(std::string("GET /slow HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")));
    // Shut down only once the request is pending: a loaded machine may take
    // longer than any fixed sleep to read it (the test then saw a reset).
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (slow_started == 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(1ms);
    }
    ASSERT_EQ(slow_started, 1);
    auto drained = std::make_shared<std::promise<void>>();
    asio::post(io, [this, drained] { server->shutdown([drained] { drained->set_value(); }); });
    std::string buffer;
    EXPECT_NE(read_response(socket, buffer).find("slow"), std::string::npos);
    EXPECT_EQ(drained->get_future().wait_for(2s), std::future_status::ready);
}

} // namespace
} // namespace rocd::api
