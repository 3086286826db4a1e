#include "daemon/logging.h"

#include <cstdio>
#include <mutex>

#include <nlohmann/json.hpp>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace rocd::daemon {

namespace {

// One JSON object a line, for log collectors; the message is escaped
// properly, which a pattern formatter cannot do.
class JsonStderrSink : public spdlog::sinks::base_sink<std::mutex> {
protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        const auto time = std::chrono::system_clock::to_time_t(msg.time);
        const auto micros =
            std::chrono::duration_cast<std::chrono::microseconds>(msg.time.time_since_epoch()).count() %
            1'000'000;
        std::tm utc {};
        gmtime_r(&time, &utc);
        char stamp[64];
        std::snprintf(stamp, sizeof(stamp), "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", utc.tm_year + 1900,
                      utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                      static_cast<long long>(micros));
        const auto level = spdlog::level::to_string_view(msg.level);
        nlohmann::json line {
            {"time", stamp},
            {"level", std::string(level.data(), level.size())},
            {"msg", std::string(msg.payload.data(), msg.payload.size())},
        };
        const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
        std::fwrite(text.data(), 1, text.size(), stderr);
    }

    void flush_() override { std::fflush(stderr); }
};

} // namespace

void setup_logging(int verbosity, config::LogFormat format) {
    std::shared_ptr<spdlog::logger> logger;
    if (format == config::LogFormat::json) {
        logger = std::make_shared<spdlog::logger>("rocd", std::make_shared<JsonStderrSink>());
    } else {
        logger =
            std::make_shared<spdlog::logger>("rocd", std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
        logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %v");
    }
    const auto level = verbosity <= 0   ? spdlog::level::info
                       : verbosity == 1 ? spdlog::level::debug
                                        : spdlog::level::trace;
    logger->set_level(level);
    logger->flush_on(spdlog::level::info);
    spdlog::set_default_logger(std::move(logger));
}

} // namespace rocd::daemon
