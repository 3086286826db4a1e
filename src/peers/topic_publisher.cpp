#include "peers/topic_publisher.h"

#include <spdlog/spdlog.h>

namespace rocd::peers {

TopicPublisher::TopicPublisher(p2p::Listener& listener, std::string topic, std::string field,
                               std::function<nlohmann::json()> snapshot)
    : listener_(listener), topic_(std::move(topic)), field_(std::move(field)),
      snapshot_(std::move(snapshot)) {}

void TopicPublisher::on_request(const p2p::Inbound& in) {
    if (in.message.type == "unsubscribe") {
        subscribers_.erase(in.key);
        listener_.reply(in, p2p::reply_to(in.message, {{"topic", topic_}}));
        return;
    }
    // Registered and answered in one step: the first delta after this
    // snapshot has seq + 1 and goes on the same connection (§12.2).
    nlohmann::json reply {{"topic", topic_}, {"seq", seq_}, {topic_, snapshot_()}};
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

void TopicPublisher::publish(const std::string& event, const nlohmann::json& item) {
    ++seq_;
    p2p::Message delta;
    delta.type = "delta";
    delta.body = {{"topic", topic_}, {"seq", seq_}, {"event", event}, {field_, item}};
    for (auto it = subscribers_.begin(); it != subscribers_.end();) {
        if (listener_.send_to(it->second, delta)) {
            ++it;
            continue;
        }
        // Gone or not reading: its next ping shows the subscription missing
        // and it subscribes again (§12.4).
        spdlog::debug("peers: dropping the {} subscription of {}", topic_, p2p::fingerprint_of(it->first));
        it = subscribers_.erase(it);
    }
}

void serve_subscription(p2p::Listener& listener, const p2p::Inbound& in,
                        std::initializer_list<TopicPublisher*> publishers) {
    const auto& body = in.message.body;
    std::string known;
    for (auto* publisher : publishers) {
        if (publisher == nullptr) {
            continue;
        }
        if (body.contains("topic") && body["topic"] == publisher->topic()) {
            return publisher->on_request(in);
        }
        known += (known.empty() ? "\"" : ", \"") + publisher->topic() + "\"";
    }
    listener.reply(
        in, p2p::error_reply(in.message, p2p::ErrorCode::invalid_argument, "topic must be one of " + known));
}

nlohmann::json subscriptions_of(const p2p::RawKey& key,
                                std::initializer_list<const TopicPublisher*> publishers) {
    auto out = nlohmann::json::object();
    for (const auto* publisher : publishers) {
        if (publisher != nullptr && publisher->subscribed(key)) {
            out[publisher->topic()] = publisher->seq();
        }
    }
    return out;
}

} // namespace rocd::peers
