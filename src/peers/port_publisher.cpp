#include "peers/port_publisher.h"

#include <spdlog/spdlog.h>

namespace rocd::peers {

PortPublisher::PortPublisher(p2p::Listener& listener, std::function<nlohmann::json()> snapshot)
    : listener_(listener), snapshot_(std::move(snapshot)) {}

void PortPublisher::on_request(const p2p::Inbound& in) {
    const auto& body = in.message.body;
    if (!body.contains("topic") || body["topic"] != "ports") {
        listener_.reply(in, p2p::error_reply(in.message, p2p::ErrorCode::invalid_argument,
                                             "topic must be \"ports\", the only one of version 1"));
        return;
    }
    if (in.message.type == "unsubscribe") {
        subscribers_.erase(in.key);
        listener_.reply(in, p2p::reply_to(in.message, {{"topic", "ports"}}));
        return;
    }
    // Registered and answered in one step: the first delta after this
    // snapshot has seq + 1 and goes on the same connection (§12.2).
    nlohmann::json reply {{"topic", "ports"}, {"seq", seq_}, {"ports", snapshot_()}};
    auto message = p2p::reply_to(in.message, std::move(reply));
    if (p2p::encode(message).size() > p2p::max_message_size) {
        listener_.reply(
            in, p2p::error_reply(in.message, p2p::ErrorCode::unavailable, "the snapshot is over 1 MiB"));
        return;
    }
    if (listener_.reply(in, message)) {
        subscribers_.insert_or_assign(in.key, in.routing_id);
    }
}

void PortPublisher::publish(const std::string& event, const nlohmann::json& port) {
    ++seq_;
    p2p::Message delta;
    delta.type = "delta";
    delta.body = {{"topic", "ports"}, {"seq", seq_}, {"event", event}, {"port", port}};
    for (auto it = subscribers_.begin(); it != subscribers_.end();) {
        if (listener_.send_to(it->second, delta)) {
            ++it;
            continue;
        }
        // Gone or not reading: its next ping shows the subscription missing
        // and it subscribes again (§12.4).
        spdlog::debug("peers: dropping the ports subscription of {}", p2p::fingerprint_of(it->first));
        it = subscribers_.erase(it);
    }
}

nlohmann::json PortPublisher::subscriptions_of(const p2p::RawKey& key) const {
    if (!subscribers_.contains(key)) {
        return nlohmann::json::object();
    }
    return {{"ports", seq_}};
}

} // namespace rocd::peers
