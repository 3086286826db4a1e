#include "p2p/message.h"

#include <algorithm>
#include <initializer_list>

#include "api/representation/json_object.h"
#include "core/uid.h"

namespace rocd::p2p {

namespace {

using nlohmann::json;

// What a required body field must hold (§14's "type" column).
enum class Field { uid, hex32, text, count, number, boolean, object, array, one_of };

struct Required {
    std::string_view name;
    Field field;
    std::vector<std::string_view> values = {}; // one_of
};

struct TypeSpec {
    std::string_view type;
    MessageKind kind;
    std::vector<Required> body;
};

const std::vector<Required> hello_fields {
    {"versions", Field::object},   {"capabilities", Field::array},  {"peer_uid", Field::uid},
    {"display_name", Field::text}, {"daemon_version", Field::text}, {"p2p_port", Field::count},
    {"nonce", Field::hex32},
};

std::vector<Required> with(std::vector<Required> fields, std::initializer_list<Required> more) {
    fields.insert(fields.end(), more);
    return fields;
}

const Required pairing_id {"pairing_id", Field::uid};
const Required topic {"topic", Field::one_of, {"ports", "streams"}};

// Every type of §14 (and §20.8's built so far), in the page's order.
const std::vector<TypeSpec>& specs() {
    static const std::vector<TypeSpec> all {
        {"hello", MessageKind::request, hello_fields},
        {"hello_reply", MessageKind::reply, with(hello_fields, {{"version", Field::count}})},
        {"error", MessageKind::reply, {{"code", Field::text}, {"detail", Field::text}}},
        {"ping", MessageKind::request, {}},
        {"ping_reply", MessageKind::reply, {{"subscriptions", Field::object}}},
        {"bye", MessageKind::one_way, {{"reason", Field::one_of, {"shutdown", "revoked"}}}},
        {"secret_proof", MessageKind::request, {{"mac", Field::hex32}}},
        {"secret_proof_reply", MessageKind::reply, {{"mac", Field::hex32}}},
        {"pair_request", MessageKind::request, {pairing_id, {"commitment", Field::hex32}}},
        {"pair_request_reply",
         MessageKind::reply,
         {pairing_id, {"nonce_b", Field::hex32}, {"expires_in_ms", Field::count}}},
        {"pair_reveal", MessageKind::request, {pairing_id, {"nonce_a", Field::hex32}}},
        {"pair_reveal_reply", MessageKind::reply, {pairing_id}},
        {"pair_confirm", MessageKind::request, {pairing_id}},
        {"pair_confirm_reply", MessageKind::reply, {pairing_id}},
        {"pair_abort",
         MessageKind::request,
         {pairing_id, {"reason", Field::one_of, {"rejected", "cancelled", "wrong_code", "expired"}}}},
        {"pair_abort_reply", MessageKind::reply, {pairing_id}},
        {"subscribe", MessageKind::request, {topic}},
        // The snapshot (an array named as the topic) and a delta's item (an
        // object named "port" or "stream") are checked by the mirror.
        {"subscribe_reply", MessageKind::reply, {topic, {"seq", Field::count}}},
        {"delta",
         MessageKind::one_way,
         {topic,
          {"seq", Field::count},
          {"event",
           Field::one_of,
           {"port_added", "port_updated", "port_removed", "stream_added", "stream_updated",
            "stream_state_changed", "stream_removed"}}}},
        {"unsubscribe", MessageKind::request, {topic}},
        {"unsubscribe_reply", MessageKind::reply, {topic}},
        {"port_update", MessageKind::request, {{"port_uid", Field::uid}}},
        {"port_update_reply", MessageKind::reply, {{"port", Field::object}}},
        {"port_create_virtual",
         MessageKind::request,
         {{"create_uid", Field::uid}, {"direction", Field::one_of, {"output", "input"}}}},
        {"port_create_virtual_reply", MessageKind::reply, {{"port", Field::object}}},
        {"port_delete", MessageKind::request, {{"port_uid", Field::uid}}},
        {"port_delete_reply", MessageKind::reply, {{"port_uid", Field::uid}}},
        {"stream_create", MessageKind::request, {{"stream", Field::object}}},
        {"stream_create_reply", MessageKind::reply, {{"stream", Field::object}}},
        {"stream_open_receiver", MessageKind::request, {{"stream", Field::object}}},
        {"stream_open_receiver_reply",
         MessageKind::reply,
         {{"media_uri", Field::text}, {"control_uri", Field::text}}},
        {"stream_stop", MessageKind::request, {{"stream_uid", Field::uid}}},
        {"stream_stop_reply", MessageKind::reply, {{"stream_uid", Field::uid}}},
        {"stream_update", MessageKind::request, {{"stream_uid", Field::uid}, {"settings", Field::object}}},
        {"stream_update_reply", MessageKind::reply, {{"stream_uid", Field::uid}}},
    };
    return all;
}

const TypeSpec* spec_of(std::string_view type) {
    const auto& all = specs();
    auto it = std::find_if(all.begin(), all.end(), [&](const TypeSpec& s) { return s.type == type; });
    return it == all.end() ? nullptr : &*it;
}

bool is_hex32(const json& v) {
    if (!v.is_string() || v.get_ref<const std::string&>().size() != 64) {
        return false;
    }
    const auto& s = v.get_ref<const std::string&>();
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool holds(const json& v, const Required& r) {
    switch (r.field) {
    case Field::uid:
        return v.is_string() && Uid::is_valid(v.get_ref<const std::string&>());
    case Field::hex32:
        return is_hex32(v);
    case Field::text:
        return v.is_string();
    case Field::count:
        return v.is_number_unsigned() || (v.is_number_integer() && v.get<std::int64_t>() >= 0);
    case Field::number:
        return v.is_number();
    case Field::boolean:
        return v.is_boolean();
    case Field::object:
        return v.is_object();
    case Field::array:
        return v.is_array();
    case Field::one_of:
        return v.is_string() &&
               std::find(r.values.begin(), r.values.end(), v.get_ref<const std::string&>()) != r.values.end();
    }
    return false;
}

// An unsigned integer within [min, max], or nothing.
std::optional<std::uint64_t> bounded(const json& object, const char* key, std::uint64_t min,
                                     std::uint64_t max) {
    auto it = object.find(key);
    if (it == object.end() || !it->is_number_integer()) {
        return std::nullopt;
    }
    if (!it->is_number_unsigned() && it->get<std::int64_t>() < 0) {
        return std::nullopt;
    }
    const auto v = it->get<std::uint64_t>();
    if (v < min || v > max) {
        return std::nullopt;
    }
    return v;
}

DecodeFailure failure(ErrorCode code, std::string detail, std::optional<std::uint64_t> id = std::nullopt) {
    return DecodeFailure {code, std::move(detail), id};
}

} // namespace

tl::expected<Message, DecodeFailure> decode(std::string_view frame) {
    if (frame.size() > max_message_size) {
        return tl::unexpected(failure(ErrorCode::malformed, "message over 1 MiB"));
    }
    const auto [doc, duplicate] = api::parse_json_text(frame);
    if (!doc.is_object()) {
        return tl::unexpected(failure(ErrorCode::malformed, "not a JSON object"));
    }
    if (duplicate) {
        // Two readers could take different values: refused, never answered.
        return tl::unexpected(failure(ErrorCode::malformed, "the message holds " + *duplicate + " twice"));
    }
    // A request is owed an answer once its id can be read, whatever else is wrong.
    const auto id = bounded(doc, "id", 1, max_request_id);
    const auto v = bounded(doc, "v", 1, 1'000'000);
    const auto type = doc.find("type");
    const auto body = doc.find("body");
    if (!v || type == doc.end() || !type->is_string() || body == doc.end() || !body->is_object()) {
        return tl::unexpected(
            failure(ErrorCode::malformed, "the envelope needs v (integer >= 1), type and body", id));
    }
    Message m;
    m.version = static_cast<int>(*v);
    m.type = type->get<std::string>();
    m.body = *body;
    const TypeSpec* spec = spec_of(m.type);
    if (spec == nullptr) {
        return tl::unexpected(failure(ErrorCode::unknown_type, "unknown message type '" + m.type + "'", id));
    }
    switch (spec->kind) {
    case MessageKind::request: {
        const auto timeout = bounded(doc, "timeout_ms", 1, max_timeout_ms);
        if (!id || !timeout) {
            return tl::unexpected(
                failure(ErrorCode::malformed,
                        m.type + " is a request: it needs id (1..2^53-1) and timeout_ms (1..60000)", id));
        }
        m.id = id;
        m.timeout_ms = static_cast<std::uint32_t>(*timeout);
        break;
    }
    case MessageKind::reply:
        m.re = bounded(doc, "re", 1, max_request_id);
        if (!m.re) {
            return tl::unexpected(failure(ErrorCode::malformed, m.type + " is a reply: it needs re"));
        }
        break;
    case MessageKind::one_way:
        break;
    }
    for (const auto& r : spec->body) {
        auto field = m.body.find(r.name);
        if (field == m.body.end() || !holds(*field, r)) {
            auto f =
                failure(ErrorCode::invalid_argument,
                        m.type + ": body." + std::string(r.name) + " is missing or of the wrong type", m.id);
            f.replies_to = m.re;
            return tl::unexpected(std::move(f));
        }
    }
    return m;
}

std::string encode(const Message& message) {
    json doc {{"v", message.version}, {"type", message.type}};
    if (message.id) {
        doc["id"] = *message.id;
    }
    if (message.re) {
        doc["re"] = *message.re;
    }
    if (message.timeout_ms) {
        doc["timeout_ms"] = *message.timeout_ms;
    }
    doc["body"] = message.body;
    // Names from devices may hold bytes that are not UTF-8: replaced, never thrown.
    return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<MessageKind> kind_of(std::string_view type) {
    const TypeSpec* spec = spec_of(type);
    return spec == nullptr ? std::nullopt : std::optional(spec->kind);
}

const std::vector<std::string_view>& message_types() {
    static const std::vector<std::string_view> types = [] {
        std::vector<std::string_view> t;
        for (const auto& spec : specs()) {
            t.push_back(spec.type);
        }
        return t;
    }();
    return types;
}

Message reply_to(const Message& request, nlohmann::json body) {
    Message m;
    m.version = request.version;
    m.type = request.type + "_reply";
    m.re = request.id;
    m.body = std::move(body);
    return m;
}

Message error_reply(const Message& request, ErrorCode code, std::string detail) {
    Message m;
    m.version = request.version;
    m.type = "error";
    m.re = request.id;
    m.body = {{"code", to_string(code)}, {"detail", std::move(detail)}};
    return m;
}

} // namespace rocd::p2p
