// Long-lived response bodies (Server-Sent Events): after the header, the
// session writes whatever its source queues, until either side ends it.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

namespace rocd::api {

/// Bytes queued for a client. Shared, because one event goes to every client
/// and a slow one may hold thousands of them.
using SharedText = std::shared_ptr<const std::string>;

inline SharedText share(std::string text) {
    return std::make_shared<const std::string>(std::move(text));
}

/// The connection side of a streamed body, given to the source.
class StreamSink {
public:
    virtual ~StreamSink() = default;
    /// Queues bytes for the client; they go out in order, as soon as the
    /// socket takes them.
    virtual void send(SharedText data) = 0;
    /// Messages queued and not yet written: a slow client makes this grow.
    virtual std::size_t queued() const = 0;
    /// Writes what is queued, then closes the connection.
    virtual void finish() = 0;
};

/// The producer of a streamed body.
class StreamSource {
public:
    virtual ~StreamSource() = default;
    /// The header is out; `sink` stays valid until stop().
    virtual void start(StreamSink& sink) = 0;
    /// The connection is closing (client gone, finish() done, daemon
    /// stopping): release the sink and everything that calls it.
    virtual void stop() = 0;
};

} // namespace rocd::api
