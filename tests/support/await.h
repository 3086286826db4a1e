// Runs an io_context until an asynchronous call's completion arrives, so a
// test can read like straight-line code while the service under test stays
// asynchronous (its completions are posted to the same io_context).
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <stdexcept>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "core/error.h"

namespace rocd::test {

/// `start(done)` begins the call; the result `done` receives is returned.
/// Throws if nothing arrives within `limit` (a hung completion is a bug).
template <class T>
Result<T> await(boost::asio::io_context& io, const std::function<void(std::function<void(Result<T>)>)>& start,
                std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    std::optional<Result<T>> out;
    start([&out](Result<T> result) { out.emplace(std::move(result)); });
    const auto deadline = std::chrono::steady_clock::now() + limit;
    // The completion is posted from another thread: keep the loop waiting
    // for it even while it has nothing else to do.
    auto busy = boost::asio::make_work_guard(io);
    io.restart();
    while (!out && std::chrono::steady_clock::now() < deadline) {
        io.run_one_for(std::chrono::milliseconds(10));
    }
    if (!out) {
        throw std::runtime_error("test::await: no completion");
    }
    return std::move(*out);
}

} // namespace rocd::test
