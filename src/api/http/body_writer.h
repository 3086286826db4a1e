// The writing side of a streamed body (Server-Sent Events): a chunked
// response that lasts until its source or the client ends it.
#pragma once

#include <array>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "api/http/stream_body.h"
#include "api/http/types.h"

namespace rocd::api {

/// Kernel send buffer of a streamed body: a trickle of small messages needs
/// little. Left alone, Linux grows it up to tcp_wmem's maximum (4 MiB) for a
/// client that stops reading, which hides that client's backlog from the
/// source (StreamSink::queued()) for thousands of messages and pins the
/// memory per connection. Bounded, the backlog shows up in the queue here,
/// where the source can give up on the client.
inline constexpr int streamed_send_buffer = 32 * 1024;

template <class Stream> class BodyWriter final : public StreamSink {
public:
    /// `close` ends the connection: after a failed write, after the last
    /// chunk, or when the client leaves.
    BodyWriter(Stream& stream, std::function<void()> close) : stream_(stream), close_(std::move(close)) {}

    /// Writes `header` with chunked encoding, then whatever `source` sends.
    /// `owner` (the session) is kept alive until stop().
    void start(const Response& header, std::shared_ptr<StreamSource> source, std::shared_ptr<void> owner) {
        source_ = std::move(source);
        owner_ = std::move(owner);
        header_.emplace(header.result(), 11);
        for (const auto& field : header) {
            header_->set(field.name_string(), field.value());
        }
        header_->chunked(true);
        serializer_.emplace(*header_);
        auto& layer = boost::beast::get_lowest_layer(stream_);
        layer.expires_never();            // the source sends heartbeats
        boost::beast::error_code ignored; // at worst, the kernel's default stays
        layer.socket().set_option(boost::asio::socket_base::send_buffer_size(streamed_send_buffer), ignored);
        http::async_write_header(stream_, *serializer_,
                                 [this, owner = owner_](boost::beast::error_code ec, std::size_t) {
                                     if (ec || !source_) {
                                         return close_();
                                     }
                                     watch_client();
                                     source_->start(*this);
                                     write_next();
                                 });
    }

    /// The connection is closing: the source stops, nothing more is written.
    void stop() {
        stopped_ = true;
        if (source_) {
            auto source = std::move(source_);
            source->stop();
        }
        owner_.reset();
    }

    bool active() const { return source_ != nullptr; }

    void send(SharedText data) override {
        if (stopped_ || finishing_) {
            return;
        }
        chunks_.push_back(std::move(data));
        write_next();
    }

    std::size_t queued() const override { return chunks_.size(); }

    void finish() override {
        if (stopped_ || finishing_) {
            return;
        }
        finishing_ = true;
        write_next();
    }

private:
    // The client sends nothing more; a read that completes means it left.
    void watch_client() {
        stream_.async_read_some(boost::asio::buffer(discard_),
                                [this, owner = owner_](boost::beast::error_code ec, std::size_t) {
                                    if (ec || stopped_) {
                                        return close_();
                                    }
                                    watch_client();
                                });
    }

    void write_next() {
        if (writing_ || stopped_ || !serializer_->is_header_done()) {
            return;
        }
        if (chunks_.empty()) {
            if (finishing_) {
                writing_ = true;
                boost::asio::async_write(
                    stream_, http::make_chunk_last(),
                    [this, owner = owner_](boost::beast::error_code, std::size_t) { close_(); });
            }
            return;
        }
        writing_ = true;
        boost::asio::async_write(stream_, http::make_chunk(boost::asio::buffer(*chunks_.front())),
                                 [this, owner = owner_](boost::beast::error_code ec, std::size_t) {
                                     writing_ = false;
                                     chunks_.pop_front();
                                     if (ec) {
                                         return close_();
                                     }
                                     write_next();
                                 });
    }

    Stream& stream_;
    std::function<void()> close_;
    std::shared_ptr<StreamSource> source_;
    std::shared_ptr<void> owner_;
    std::optional<http::response<http::empty_body>> header_;
    std::optional<http::response_serializer<http::empty_body>> serializer_;
    std::deque<SharedText> chunks_;
    std::array<char, 256> discard_ {};
    bool writing_ = false;
    bool finishing_ = false;
    bool stopped_ = false;
};

} // namespace rocd::api
