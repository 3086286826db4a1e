#include <memory>
#include <string>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>

#include "api/http/router.h"
#include "api/http/server.h"

namespace rocd::api {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// Keeps the sink so that the test can push messages into it.
class HeldSource : public StreamSource {
public:
    void start(StreamSink& sink) override { sink_ = &sink; }
    void stop() override { sink_ = nullptr; }
    StreamSink* sink_ = nullptr;
};

TEST(ServerStream, a_client_that_stops_reading_backs_up_in_the_queue_not_in_megabytes_of_kernel_buffer) {
    asio::io_context io;
    Router router;
    auto source = std::make_shared<HeldSource>();
    router.add_stream("/s",
                      [&](const RequestContext&) -> tl::expected<std::shared_ptr<StreamSource>, Response> {
                          return source;
                      });
    ServerOptions options;
    options.port = 0;
    Server server(io, router, options);
    ASSERT_TRUE(server.listen());
    server.accept();

    // A client that sends its request and then never reads.
    tcp::socket client(io);
    client.open(tcp::v4());
    client.set_option(asio::socket_base::receive_buffer_size(4096));
    client.connect({asio::ip::make_address("127.0.0.1"), server.local_endpoint().port()});
    const std::string request = "GET /s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    asio::write(client, asio::buffer(request));
    for (int i = 0; i < 10'000 && source->sink_ == nullptr; i++) {
        io.run_one_for(std::chrono::milliseconds(10));
    }
    ASSERT_NE(source->sink_, nullptr);

    // Push 1 KiB messages until 64 of them wait in the session's queue.
    const SharedText message = share(std::string(1024, 'x'));
    std::size_t pushed = 0;
    while (pushed < 16 * 1024 && source->sink_->queued() < 64) {
        source->sink_->send(message);
        ++pushed;
        io.poll();
    }
    const std::size_t absorbed = (pushed - source->sink_->queued()) * message->size();
    EXPECT_EQ(source->sink_->queued(), 64u) << "absorbed " << absorbed << " bytes";
    // Kernel buffers on both sides took the rest: far less than tcp_wmem's
    // 4 MiB maximum, to which an unbounded send buffer grows.
    EXPECT_LT(absorbed, 1024u * 1024u);

    client.close();
    server.shutdown([] {});
    io.run_for(std::chrono::seconds(2));
}

} // namespace
} // namespace rocd::api
